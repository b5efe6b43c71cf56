"""PyTorch beside dnn's WebGPU benchmark, on the same GPU: one 60,000-image
epoch of 784-400-200-10 (Adam) at batch 100 and 4096, data on the device,
and float32 GEMM GFLOP/s at 4096 cubed. Prints JSON lines.

    python3 apps/bench/gpu_torch.py
"""
import json
import time

import torch

dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.backends.cuda.matmul.allow_tf32 = False  # float32, as WGSL computes
x = torch.rand(60000, 784, device=dev)
y = torch.randint(0, 10, (60000,), device=dev)
for batch in (100, 4096):
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 400), torch.nn.ReLU(), torch.nn.Linear(400, 200), torch.nn.ReLU(), torch.nn.Linear(200, 10)
    ).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for rep in range(2):  # the first epoch warms up
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        order = torch.randperm(60000, device=dev)
        for i in range(0, 60000, batch):
            idx = order[i : i + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
    print(json.dumps({"framework": "pytorch", "device": str(dev), "batch": batch, "secondsPerEpoch": time.perf_counter() - t}))
n = 4096
a = torch.rand(n, n, device=dev)
torch.mm(a, a)
if dev.type == "cuda":
    torch.cuda.synchronize()
t = time.perf_counter()
for _ in range(10):
    torch.mm(a, a)
if dev.type == "cuda":
    torch.cuda.synchronize()
print(json.dumps({"framework": "pytorch", "gemm": n, "gflops": 2 * n**3 * 10 / (time.perf_counter() - t) / 1e9}))
