"""PyTorch on the CPU beside dnn's benchmark (npm run bench runs it): one
60,000-image epoch of 784-400-200-10 (ReLU, softmax cross-entropy, Adam,
batch 100, shuffled) with a given number of threads, after a warm-up of a
few steps (an epoch that would take more than --budget seconds is scaled
from the steps done, and says so). It also names the BLAS torch calls: a
Debian python3-torch without libopenblas0 runs on the reference BLAS, far
slower than a pip wheel's MKL. The inputs are MNIST-shaped random bytes scaled to [0, 1]:
PyTorch's dense kernels take the same time whatever the values. Prints one
JSON line.

    python3 apps/bench/cpu_torch.py --threads 2
"""
import argparse
import json
import os
import re
import time

# torch runs its own thread pool over the BLAS calls; OpenBLAS's pthreads on top of it
# oversubscribe two cores (measured here: 7.6 s per epoch with them, 3.6 s without).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--images", type=int, default=60000)
parser.add_argument("--budget", type=float, default=30.0, help="seconds after which the epoch is scaled from the steps done")
args = parser.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(1)
x = torch.randint(0, 256, (args.images, 784), dtype=torch.uint8).float() / 255
y = torch.randint(0, 10, (args.images,))
model = torch.nn.Sequential(
    torch.nn.Linear(784, 400), torch.nn.ReLU(), torch.nn.Linear(400, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10)
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()


def step(idx):
    opt.zero_grad(set_to_none=True)
    loss_fn(model(x[idx]), y[idx]).backward()
    opt.step()


def blas():
    """Which BLAS does the work: torch's build setting, and for a 'generic' build the
    libblas the dynamic loader picked (Debian's alternatives: OpenBLAS, or the slow
    reference BLAS when libopenblas0 is not installed)."""
    info = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    name = info.group(1) if info else "unknown"
    if name == "generic":
        try:
            with open("/proc/self/maps") as maps:
                libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line})
            name += " (" + ", ".join(os.path.realpath(lib) for lib in libs) + ")"
        except OSError:
            pass
    return name


for i in range(20):  # warm-up: allocator, thread pool, kernels chosen
    step(torch.arange(i * 100, i * 100 + 100))
# The whole epoch, unless it would take more than --budget seconds: then the steps done so far, scaled.
start = time.perf_counter()
order = torch.randperm(args.images)
steps = 0
for i in range(0, args.images, 100):
    step(order[i : i + 100])
    steps += 1
    if time.perf_counter() - start > args.budget:
        break
total = (args.images + 99) // 100
seconds = (time.perf_counter() - start) * total / steps
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(), "images": args.images, "stepsTimed": steps, "steps": total, "seconds": seconds}))
