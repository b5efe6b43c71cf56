"""PyTorch on the CPU beside dnn's benchmark (npm run bench runs it): one
60,000-image epoch of dnn's default network with a given number of threads,
after a warm-up of a few steps. `--arch mlp` (the default) is 784-400-200-10
(ReLU); `--arch cnn` is the default CNN (conv16x5, relu, pool2, conv32x5,
relu, pool2, dense128, relu, dense10 on 1x28x28 images). Both: softmax
cross-entropy, Adam, batch 100, shuffled. `--steps N` times N steps and
scales them to the epoch (as dnn's cnn section does); otherwise the whole
epoch, unless it would take more than --budget seconds: then it is scaled
from the steps done, and says so. It also names the BLAS torch calls: a
Debian python3-torch without libopenblas0 runs on the reference BLAS, far
slower than a pip wheel's MKL. The inputs are MNIST-shaped random bytes scaled to [0, 1]:
PyTorch's dense and conv kernels take the same time whatever the values. Prints one
JSON line.

    python3 apps/bench/cpu_torch.py --threads 2
    python3 apps/bench/cpu_torch.py --arch cnn --threads 1 --steps 30
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
parser.add_argument("--arch", choices=["mlp", "cnn"], default="mlp", help="dnn's default MLP or default CNN")
parser.add_argument("--steps", type=int, default=0, help="time this many steps and scale them to the epoch (0: the whole epoch)")
args = parser.parse_args()
if args.steps < 0 or args.threads < 1 or args.images < 100:
    parser.error("--steps must be 0 or more, --threads 1 or more, --images 100 or more")

torch.set_num_threads(args.threads)
torch.manual_seed(1)
nn = torch.nn
if args.arch == "cnn":
    x = torch.randint(0, 256, (args.images, 1, 28, 28), dtype=torch.uint8).float() / 255
    model = nn.Sequential(
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 10),
    )
else:
    x = torch.randint(0, 256, (args.images, 784), dtype=torch.uint8).float() / 255
    model = nn.Sequential(nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 200), nn.ReLU(), nn.Linear(200, 10))
y = torch.randint(0, 10, (args.images,))
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
# --steps steps, or the whole epoch unless it would take more than --budget seconds; scaled to the epoch.
start = time.perf_counter()
order = torch.randperm(args.images)
steps = 0
for i in range(0, args.images, 100):
    step(order[i : i + 100])
    steps += 1
    if steps == args.steps or (args.steps == 0 and time.perf_counter() - start > args.budget):
        break
total = (args.images + 99) // 100
seconds = (time.perf_counter() - start) * total / steps
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "arch": args.arch, "threads": torch.get_num_threads(), "blas": blas(), "images": args.images, "stepsTimed": steps, "steps": total, "seconds": seconds}))
