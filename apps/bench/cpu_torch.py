"""PyTorch on the CPU beside dnn's benchmark (npm run bench runs it): one
60,000-image epoch of 784-400-200-10 (ReLU, softmax cross-entropy, Adam,
batch 100, shuffled) with a given number of threads, after a warm-up of a
few steps. The inputs are MNIST-shaped random bytes scaled to [0, 1]:
PyTorch's dense kernels take the same time whatever the values. Prints one
JSON line.

    python3 apps/bench/cpu_torch.py --threads 2
"""
import argparse
import json
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--images", type=int, default=60000)
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


for i in range(20):  # warm-up: allocator, thread pool, kernels chosen
    step(torch.arange(i * 100, i * 100 + 100))
start = time.perf_counter()
order = torch.randperm(args.images)
for i in range(0, args.images, 100):
    step(order[i : i + 100])
seconds = time.perf_counter() - start
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(), "images": args.images, "seconds": seconds}))
