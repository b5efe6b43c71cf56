"""PyTorch beside dnn's WebGPU benchmark, on the same GPU and the same work:
one epoch of the default MLP 784-400-200-10 (ReLU, softmax cross-entropy,
Adam, lr 1e-3) over random data of MNIST's shape, for each batch size, the
same for the default CNN (conv16x5, relu, pool2, conv32x5, relu, pool2,
flatten, dense128, relu, dense10) for each of its batch sizes, and float32
GEMM GFLOP/s at each size (TF32 off: WGSL computes in float32). The GPU
bench (.gpu/run.sh) runs it when torch sees CUDA. Prints JSON lines.

    python3 apps/bench/gpu_torch.py [--rows 60000] [--batches 100,1000] [--cnn-batches 100] [--gemm 1024,4096]
"""
import argparse
import json
import time

import torch

p = argparse.ArgumentParser()
p.add_argument("--rows", type=int, default=60000)
p.add_argument("--batches", default="100,1000")
p.add_argument("--cnn-batches", default="100")
p.add_argument("--gemm", default="1024,4096")
args = p.parse_args()

dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


print(json.dumps({"framework": "pytorch", "version": torch.__version__, "device": torch.cuda.get_device_name() if dev.type == "cuda" else "cpu"}))
torch.manual_seed(1)
x = torch.randint(0, 256, (args.rows, 784), device=dev, dtype=torch.uint8)
y = torch.randint(0, 10, (args.rows,), device=dev)


def mlp():
    nn = torch.nn
    return nn.Sequential(nn.Linear(784, 400), nn.ReLU(), nn.Linear(400, 200), nn.ReLU(), nn.Linear(200, 10))


def cnn():
    nn = torch.nn
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 10),
    )


runs = [("mlp", mlp, b) for b in args.batches.split(",") if b] + [("cnn", cnn, b) for b in args.cnn_batches.split(",") if b]
for network, make, batch in runs:
    batch = int(batch)
    model = make().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for rep in range(2):  # the first epoch warms up; the second is timed, as in the WebGPU bench
        sync()
        t = time.perf_counter()
        order = torch.randperm(args.rows, device=dev)
        for i in range(0, args.rows, batch):
            idx = order[i : i + batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx].float() / 255.0), y[idx]).backward()
            opt.step()
        sync()
    print(json.dumps({"framework": "pytorch", "device": str(dev), "network": network, "batch": batch, "secondsPerEpoch": (time.perf_counter() - t) * 60000 / args.rows}))
for n in [int(s) for s in args.gemm.split(",")]:
    a = torch.rand(n, n, device=dev)
    torch.mm(a, a)
    sync()
    reps = 10 if n >= 4096 else 50
    t = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, a)
    sync()
    print(json.dumps({"framework": "pytorch", "gemm": n, "gflops": 2 * n**3 * reps / (time.perf_counter() - t) / 1e9}))
