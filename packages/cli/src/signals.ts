/**
 * Ctrl-C (SIGINT) and SIGTERM for a long command: the first stops the work
 * cleanly (the training loop checks the signal after every chunk of steps
 * and writes the checkpoint if one was asked for) and exits with 128 + the
 * signal's number: 130 for SIGINT, 143 for SIGTERM. A second quits at once,
 * by the signal's default action (the shell reports 130 or 143 alike).
 */
export const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface StopSignals {
  /** Aborted by the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** The signal that stopped the work, or null. */
  readonly received: 'SIGINT' | 'SIGTERM' | null;
  /** Removes the handlers (the runtime's default action applies again). */
  dispose(): void;
}

/** Installs the handlers; `notice` is written to stderr on the first signal. */
export function catchStopSignals(notice: ((name: 'SIGINT' | 'SIGTERM') => string) | null): StopSignals {
  const ac = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | null = null;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      if (received) return quitNow(name);
      received = name;
      ac.abort();
      const text = notice?.(name);
      if (text) process.stderr.write(text);
    };
    try {
      process.on(name, handler);
    } catch {
      // A runtime that cannot listen for this signal (SIGTERM on Windows in Deno) keeps its default.
    }
    return [name, handler] as const;
  });
  // Quits even while a thread is stuck (a save to a slow disk): the signal's default action, as if never caught.
  const quitNow = (name: 'SIGINT' | 'SIGTERM') => {
    for (const [n, h] of handlers) process.off(n, h);
    process.kill(process.pid, name);
    setTimeout(() => process.exit(SIGNAL_EXIT[name]), 200);
  };
  return {
    signal: ac.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
