package train

// Backward propagates dlogits ([T×Labels], the gradient of the loss with
// respect to the logits of the last Forward) through the network and adds
// the parameter gradients into grads (laid out like P.Data).
func (n *Net[F]) Backward(b *Batch, dlogits, grads []F) {
	p, c, a := n.P, &n.c, n.P.Arch
	T, H, I, L := c.t, a.Hidden, a.Inter, a.Labels
	g := func(s span) []F { return grads[s.off : s.off+s.n] }
	dx := growF(n.d1, T*H) // gradient w.r.t. the current hidden state
	n.d1 = dx
	linearBwd(dx, g(p.clsW), g(p.clsB), dlogits, c.headIn, p.at(p.clsW), T, H, L, false)
	mulKeep(dx, c.headKeep)
	dr := growF(n.d2, T*H)
	n.d2 = dr
	n.dI, n.dI2 = growF(n.dI, T*I), growF(n.dI2, T*I)
	n.dqkv = growF(n.dqkv, T*3*H)
	for li := a.Layers - 1; li >= max(n.FreezeBelow, 0); li-- {
		lc, ls := &c.layers[li], p.layers[li]
		// y2 = LN2(y1 + drop(fc2(gelu(fc1(y1))))).
		lnBwd(dr, g(ls.ln2G), g(ls.ln2B), dx, lc.xhat2, lc.rstd2, p.at(ls.ln2G), T, H, false)
		// dr is the gradient at the residual sum: it reaches y1 directly
		// and through the feed-forward block.
		copy(dx, dr)
		mulKeep(dr, lc.fKeep)
		linearBwd(n.dI, g(ls.fc2W), g(ls.fc2B), dr, lc.g, p.at(ls.fc2W), T, I, H, false)
		geluBwd(n.dI, lc.f1, lc.g, a.GELUTanh[li])
		linearBwd(dx, g(ls.fc1W), g(ls.fc1B), n.dI, lc.y1, p.at(ls.fc1W), T, H, I, true)
		// y1 = LN1(x + drop(o(attn(qkv(x))))).
		lnBwd(dr, g(ls.ln1G), g(ls.ln1B), dx, lc.xhat1, lc.rstd1, p.at(ls.ln1G), T, H, false)
		copy(dx, dr)
		mulKeep(dr, lc.aKeep)
		dctx := growF(n.d3, T*H)
		n.d3 = dctx
		linearBwd(dctx, g(ls.oW), g(ls.oB), dr, lc.ctx, p.at(ls.oW), T, H, H, false)
		n.attnBwd(lc, b, dctx, a.Scale[li])
		if li == n.FreezeBelow && li > 0 {
			linearBwd(nil, g(ls.qkvW), g(ls.qkvB), n.dqkv, lc.x, p.at(ls.qkvW), T, H, 3*H, true)
			return // nothing below trains
		}
		linearBwd(dx, g(ls.qkvW), g(ls.qkvB), n.dqkv, lc.x, p.at(ls.qkvW), T, H, 3*H, true)
	}
	if n.FreezeBelow > 0 {
		return
	}
	// Embeddings: x0 = drop(LN(word + pos + type)).
	mulKeep(dx, c.embKeep)
	lnBwd(dr, g(p.embG), g(p.embB), dx, c.embXhat, c.embRstd, p.at(p.embG), T, H, false)
	// Scatter by column blocks, each summing its tokens in order.
	gw, gp := g(p.word), g(p.pos)
	var gt []F
	if a.TypeRows > 0 {
		gt = g(p.typ)
	}
	const blk = 64
	parallel((H+blk-1)/blk, func(lo, hi int) {
		for c0 := lo * blk; c0 < min(hi*blk, H); c0 += blk {
			c1 := min(c0+blk, H)
			for t := 0; t < T; t++ {
				d := dr[t*H:]
				w := gw[int(b.IDs[t])*H:]
				ps := gp[c.posIDs[t]*H:]
				for j := c0; j < c1; j++ {
					w[j] += d[j]
					ps[j] += d[j]
				}
				if gt != nil {
					ty := 0
					if b.Types != nil {
						ty = int(b.Types[t])
					}
					tr := gt[ty*H:]
					for j := c0; j < c1; j++ {
						tr[j] += d[j]
					}
				}
			}
		}
	})
}

// clearRows zeroes rows×cols of m (row stride ld).
func clearRows[F Float](m []F, ld, rows, cols int) {
	for r := 0; r < rows; r++ {
		clear(m[r*ld : r*ld+cols])
	}
}

// mulKeep multiplies x by a dropout scale (nil: no dropout there).
func mulKeep[F Float](x, keep []F) {
	if keep == nil {
		return
	}
	parallel(len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] *= keep[i]
		}
	})
}

// attnBwd writes n.dqkv, the gradient w.r.t. Q, K, V side by side, from
// the gradient of the context dctx [T×H].
func (n *Net[F]) attnBwd(lc *layerCache[F], b *Batch, dctx []F, scale float64) {
	c := &n.c
	H, heads, d := c.dim*c.heads, c.heads, c.dim
	ld := 3 * H
	dqkv := n.dqkv
	parallel(c.pairs, func(lo, hi int) {
		var dp, pd []F // scratch of this chunk
		for pr := lo; pr < hi; pr++ {
			s, hd := pr/heads, pr%heads
			st, ln := b.Starts[s], b.Lens[s]
			P := lc.probs[c.pairOff[pr] : c.pairOff[pr]+ln*ln]
			var keep []F
			if lc.probsKeep != nil {
				keep = lc.probsKeep[c.pairOff[pr] : c.pairOff[pr]+ln*ln]
			}
			dp, pd = growF(dp, ln*ln), growF(pd, ln*ln)
			q := lc.qkv[st*ld+hd*d:]
			k := lc.qkv[st*ld+H+hd*d:]
			v := lc.qkv[st*ld+2*H+hd*d:]
			dq := dqkv[st*ld+hd*d:]
			dk := dqkv[st*ld+H+hd*d:]
			dv := dqkv[st*ld+2*H+hd*d:]
			dc := dctx[st*H+hd*d:]
			// dV = P'ᵀ dctx, P' the dropped probabilities.
			src := P
			if keep != nil {
				for i := range pd {
					pd[i] = P[i] * keep[i]
				}
				src = pd
			}
			clearRows(dv, ld, ln, d)
			gemmTA(dv, ld, src, ln, dc, H, ln, ln, d)
			// dP' = dctx Vᵀ; dP = dP'·keep; dS = P ⊙ (dP - Σ_j dP⊙P)·scale.
			gemm(dp, ln, dc, H, v, ld, ln, d, ln, true, false)
			for r := 0; r < ln; r++ {
				dr, prow := dp[r*ln:(r+1)*ln], P[r*ln:(r+1)*ln]
				if keep != nil {
					kr := keep[r*ln : (r+1)*ln]
					for j := range dr {
						dr[j] *= kr[j]
					}
				}
				var dot float64
				for j := range dr {
					dot += float64(dr[j]) * float64(prow[j])
				}
				for j := range dr {
					dr[j] = F(float64(prow[j]) * (float64(dr[j]) - dot) * scale)
				}
			}
			// dQ = dS K; dK = dSᵀ Q.
			gemm(dq, ld, dp, ln, k, ld, ln, ln, d, false, false)
			clearRows(dk, ld, ln, d)
			gemmTA(dk, ld, dp, ln, q, ld, ln, ln, d)
		}
	})
}
