/** A file that cannot be read, decoded or written; the message starts with the path the user gave. */
export class FileProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'FileProblem';
  }
}

const WORDS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a directory, expected a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  ELOOP: 'too many levels of symbolic links (a loop?)',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  EBUSY: 'device or resource busy',
  EXDEV: 'cannot rename across file systems',
  ENXIO: 'no such device (nothing is reading it)',
};

/** A file-system error in words (`no space left on device`), without the raw errno or an internal path. */
export function fsErrorWords(e: unknown): string {
  const code = (e as { code?: string })?.code;
  if (code && WORDS[code]) return WORDS[code];
  // Deno and Bun sometimes give only a message; keep its first clause, never a stack.
  const message = String((e as Error)?.message ?? e).split('\n')[0];
  return code ? `${message} (${code})` : message;
}
