#!/usr/bin/env python3
"""Torch oracle for the Go trainer's gradients (test dependency only).

  torch_grads.py EXPORT_BERT_PY IN_DIR OUT_DIR

IN_DIR/spec.json: {"variant", "hidden", "heads", "inter", "layers", "vocab", "labels", "pos_rows",
"type_rows", "tensors": [[name, shape], ...], "ids": [[...]], "types": [[...]], "tags": [[...]]}
(one list per sequence, unpadded) and IN_DIR/params.f32: the tensors in that order, little-endian
float32, in torch's layout (nn.Linear weights [out, in]). The model is export_bert.py's Model (the
module the shared test graphs were exported from) with these weights; the batch is right-padded with
an attention mask, labels -100 on padding. Writes OUT_DIR/grads.bin (the gradient of the mean
cross-entropy w.r.t. each tensor, same order and layout, little-endian float32, or float64 in float64 mode) and OUT_DIR/out.json
({"loss", "logits": per sequence}). Dropout is off (the module has none). Runs in float64 when
spec.json says "float64": true.
"""
import importlib.util, json, sys
import torch


def main():
    exp_path, in_dir, out_dir = sys.argv[1:4]
    spec_ = importlib.util.spec_from_file_location("export_bert", exp_path)
    eb = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(eb)
    s = json.load(open(f"{in_dir}/spec.json"))
    dt = torch.float64 if s.get("float64") else torch.float32
    class A: pass
    a = A()
    a.variant, a.hidden, a.heads, a.inter = s["variant"], s["hidden"], s["heads"], s["inter"]
    a.layers, a.vocab, a.labels, a.mask_min = s["layers"], s["vocab"], s["labels"], False
    m = eb.Model(a)
    if m.pos.num_embeddings != s["pos_rows"]:
        m.pos = torch.nn.Embedding(s["pos_rows"], a.hidden)
    flat = torch.frombuffer(bytearray(open(f"{in_dir}/params.f32", "rb").read()), dtype=torch.float32)
    sd, off = {}, 0
    for name, shape in s["tensors"]:
        n = 1
        for d in shape:
            n *= d
        sd[name] = flat[off:off + n].reshape(shape).clone()
        off += n
    assert off == flat.numel(), "params.f32 size does not match spec.json"
    m.load_state_dict(sd, strict=True)
    m = m.to(dt)
    seqs = s["ids"]
    B, S = len(seqs), max(len(x) for x in seqs)
    pad = 1 if a.variant == "roberta" else 0
    ids = torch.full((B, S), pad, dtype=torch.long)
    att = torch.zeros((B, S), dtype=torch.long)
    typ = torch.zeros((B, S), dtype=torch.long)
    lab = torch.full((B, S), -100, dtype=torch.long)
    for i, x in enumerate(seqs):
        n = len(x)
        ids[i, :n] = torch.tensor(x)
        att[i, :n] = 1
        if s.get("types"):
            typ[i, :n] = torch.tensor(s["types"][i])
        lab[i, :n] = torch.tensor(s["tags"][i])
    args = (ids, att) + (() if a.variant == "distilbert" else (typ,))
    logits = m(*args)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, a.labels), lab.reshape(-1), ignore_index=-100)
    loss.backward()
    params = dict(m.named_parameters())
    out = []
    for name, _ in s["tensors"]:
        g = params[name].grad
        out.append((torch.zeros_like(params[name]) if g is None else g).reshape(-1).to(dt))
    open(f"{out_dir}/grads.bin", "wb").write(torch.cat(out).detach().numpy().tobytes())
    json.dump({"loss": loss.item(),
               "logits": [logits[i, :len(x)].tolist() for i, x in enumerate(seqs)]},
              open(f"{out_dir}/out.json", "w"))


if __name__ == "__main__":
    main()
