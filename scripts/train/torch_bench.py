#!/usr/bin/env python3
"""Training-speed peer for obscura's trainer (benchmark dependency only).

  torch_bench.py --threads 2 --steps 5 --batch 32 --len 128 [--layers 6 --hidden 384 --heads 12 --inter 1536]

Times full fp32 training steps (forward with dropout 0.1 on the hidden states and attention
probabilities, cross-entropy over labelled tokens, backward, gradient clipping to norm 1, AdamW) of a
BERT token classifier of the given size on random ids, after one warm-up step, with torch's intra-op
threads set to --threads. Prints one JSON line: {"tokens_per_second", "step_ms": [...]}.
"""
import argparse, json, math, time
import torch
from torch import nn


class Layer(nn.Module):
    def __init__(self, h, heads, inter, p):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)
        self.fc1, self.fc2 = nn.Linear(h, inter), nn.Linear(inter, h)
        self.drop, self.adrop = nn.Dropout(p), nn.Dropout(p)

    def forward(self, x, mask_add):
        B, T, H = x.shape
        d = H // self.heads
        split = lambda t: t.view(B, T, self.heads, d).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = self.adrop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask_add, dim=-1))
        ctx = (att @ v).transpose(1, 2).reshape(B, T, H)
        x = self.ln1(x + self.drop(self.o(ctx)))
        return self.ln2(x + self.drop(self.fc2(nn.functional.gelu(self.fc1(x)))))


class Model(nn.Module):
    def __init__(self, a):
        super().__init__()
        h = a.hidden
        self.word, self.pos, self.typ = nn.Embedding(30522, h), nn.Embedding(512, h), nn.Embedding(2, h)
        self.ln, self.drop = nn.LayerNorm(h, eps=1e-12), nn.Dropout(0.1)
        self.layers = nn.ModuleList(Layer(h, a.heads, a.inter, 0.1) for _ in range(a.layers))
        self.cls = nn.Linear(h, 9)

    def forward(self, ids, att):
        T = ids.shape[1]
        x = self.drop(self.ln(self.word(ids) + self.pos(torch.arange(T)[None]) + self.typ(torch.zeros_like(ids))))
        mask_add = (1.0 - att[:, None, None, :].float()) * -10000.0
        for l in self.layers:
            x = l(x, mask_add)
        return self.cls(self.drop(x))


def main():
    p = argparse.ArgumentParser()
    for n, d in [("threads", 2), ("steps", 5), ("batch", 32), ("len", 128), ("layers", 6), ("hidden", 384),
                 ("heads", 12), ("inter", 1536)]:
        p.add_argument("--" + n, type=int, default=d)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = Model(a).train()
    decay = [p for n, p in m.named_parameters() if p.dim() > 1]
    nodecay = [p for n, p in m.named_parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": nodecay, "weight_decay": 0.0}], lr=5e-5)
    ids = torch.randint(1000, 30000, (a.batch, a.len))
    att = torch.ones_like(ids)
    lab = torch.randint(0, 9, (a.batch, a.len))
    lab[:, 0] = lab[:, -1] = -100
    times = []
    for s in range(a.steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.cross_entropy(m(ids, att).reshape(-1, 9), lab.reshape(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
        if s > 0:
            times.append((time.perf_counter() - t0) * 1e3)
    tok = a.batch * a.len
    print(json.dumps({"tokens_per_second": tok * len(times) / (sum(times) / 1e3), "step_ms": times}))


if __name__ == "__main__":
    main()
