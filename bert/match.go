package bert

import (
	"fmt"
	"math"

	"github.com/obscura-ai/obscura/quant"
)

// The fused plan is recognised from the graph's structure, never from node
// names: starting at the Gather that input_ids index, the matcher walks the
// consumers of each value through the embedding sum, the LayerNorms, each
// encoder layer and the classifier head, and takes the weights from the
// initializers it meets. Facts that the structure leaves implicit (how
// positions are computed, the mask fill value, the number of heads, the
// activation) are read by evaluating the relevant subgraph with the graph
// executor on probe inputs. Finally the whole plan is checked against the
// graph executor on a probe batch; any disagreement rejects the plan.

// matcher walks the graph's consumer edges.
type matcher struct {
	g *graph
}

// users returns the nodes that consume name, ignoring Shape nodes (which
// only read its dimensions).
func (m matcher) users(name string) []*node {
	var out []*node
	for _, n := range m.g.consumers[name] {
		if n.op != "Shape" {
			out = append(out, n)
		}
	}
	return out
}

// only returns the single non-Shape consumer of name, which must have op type op.
func (m matcher) only(name, op string) (*node, error) {
	u := m.users(name)
	if len(u) != 1 {
		return nil, fmt.Errorf("bert: fused plan: value %q has %d consumers where one %s was expected", name, len(u), op)
	}
	if u[0].op != op {
		return nil, fmt.Errorf("bert: fused plan: %s where %s was expected", u[0].describe(), op)
	}
	return u[0], nil
}

// other returns the input of a two-input node that is not name.
func other(n *node, name string) string {
	if len(n.in) != 2 {
		return ""
	}
	if n.in[0] == name {
		return n.in[1]
	}
	return n.in[0]
}

func (m matcher) constFloat(name string) (*value, bool) {
	v, ok := m.g.consts[name]
	if !ok || v.dt != dtFloat {
		return nil, false
	}
	return v, true
}

func (m matcher) scalar(name string) (float32, bool) {
	v, ok := m.constFloat(name)
	if !ok || v.len() != 1 {
		return 0, false
	}
	return v.f[0], true
}

// linearAt matches MatMul(x, W) followed by Add with a bias, where W is a 2-D
// constant with k rows; it returns the layer and the biased output's name.
func (m matcher) linearAt(mm *node, x string, k int) (linear, string, error) {
	if mm.op != "MatMul" || len(mm.in) != 2 || mm.in[0] != x {
		return linear{}, "", fmt.Errorf("bert: fused plan: %s is not a MatMul of the hidden state by a weight", mm.describe())
	}
	w, ok := m.constFloat(mm.in[1])
	if !ok || len(w.shape) != 2 || w.shape[0] != k {
		return linear{}, "", fmt.Errorf("bert: fused plan: %s: weight is not a constant [%d×n] matrix", mm.describe(), k)
	}
	add, err := m.only(mm.out[0], "Add")
	if err != nil {
		return linear{}, "", err
	}
	b, ok := m.constFloat(other(add, mm.out[0]))
	if !ok || b.len() != w.shape[1] {
		return linear{}, "", fmt.Errorf("bert: fused plan: %s: bias is not a constant of size %d", add.describe(), w.shape[1])
	}
	return linear{w: w.f, b: b.f, k: k, n: w.shape[1], wq: m.g.quantized[mm.in[1]]}, add.out[0], nil
}

// layerNormAt matches a LayerNorm over the last axis of x, either the
// LayerNormalization op or its decomposed form
// (x-mean(x)) / sqrt(mean((x-mean(x))^2) + eps) · gamma + beta.
func (m matcher) layerNormAt(x string, h int) (lnorm, string, error) {
	us := m.users(x)
	for _, u := range us {
		if u.op == "LayerNormalization" && u.in[0] == x {
			if ax := u.attrInt("axis", -1); ax != -1 && ax != 2 {
				return lnorm{}, "", fmt.Errorf("bert: fused plan: %s normalises axis %d, not the hidden axis", u.describe(), ax)
			}
			g, ok := m.constFloat(u.in[1])
			if !ok || g.len() != h {
				return lnorm{}, "", fmt.Errorf("bert: fused plan: %s: scale is not a constant of size %d", u.describe(), h)
			}
			ln := lnorm{g: g.f, eps: u.attrFloat("epsilon", 1e-5)}
			if len(u.in) > 2 && u.in[2] != "" {
				b, ok := m.constFloat(u.in[2])
				if !ok || b.len() != h {
					return lnorm{}, "", fmt.Errorf("bert: fused plan: %s: bias is not a constant of size %d", u.describe(), h)
				}
				ln.b = b.f
			} else {
				ln.b = make([]float32, h)
			}
			return ln, u.out[0], nil
		}
	}
	var mean, sub *node
	for _, u := range us {
		switch u.op {
		case "ReduceMean":
			mean = u
		case "Sub":
			sub = u
		}
	}
	if mean == nil || sub == nil || sub.in[0] != x || sub.in[1] != mean.out[0] {
		names := ""
		for _, u := range us {
			names += " " + u.describe()
		}
		return lnorm{}, "", fmt.Errorf("bert: fused plan: no LayerNorm after the value consumed by%s", names)
	}
	if err := m.lastAxis(mean); err != nil {
		return lnorm{}, "", err
	}
	var pow, div *node
	for _, u := range m.users(sub.out[0]) {
		switch u.op {
		case "Pow":
			pow = u
		case "Div":
			div = u
		}
	}
	if pow == nil || div == nil || div.in[0] != sub.out[0] {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s is not followed by the variance and the division of a LayerNorm", sub.describe())
	}
	if e, ok := m.scalar(pow.in[1]); !ok || e != 2 {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s is not a square", pow.describe())
	}
	mean2, err := m.only(pow.out[0], "ReduceMean")
	if err != nil {
		return lnorm{}, "", err
	}
	if err := m.lastAxis(mean2); err != nil {
		return lnorm{}, "", err
	}
	addEps, err := m.only(mean2.out[0], "Add")
	if err != nil {
		return lnorm{}, "", err
	}
	eps, ok := m.scalar(other(addEps, mean2.out[0]))
	if !ok {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s: epsilon is not a scalar constant", addEps.describe())
	}
	sqrt, err := m.only(addEps.out[0], "Sqrt")
	if err != nil {
		return lnorm{}, "", err
	}
	if div.in[1] != sqrt.out[0] {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s does not divide by the standard deviation", div.describe())
	}
	mul, err := m.only(div.out[0], "Mul")
	if err != nil {
		return lnorm{}, "", err
	}
	g, ok := m.constFloat(other(mul, div.out[0]))
	if !ok || g.len() != h {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s: scale is not a constant of size %d", mul.describe(), h)
	}
	add, err := m.only(mul.out[0], "Add")
	if err != nil {
		return lnorm{}, "", err
	}
	b, ok := m.constFloat(other(add, mul.out[0]))
	if !ok || b.len() != h {
		return lnorm{}, "", fmt.Errorf("bert: fused plan: %s: bias is not a constant of size %d", add.describe(), h)
	}
	return lnorm{g: g.f, b: b.f, eps: eps}, add.out[0], nil
}

// lastAxis checks that a ReduceMean averages the last axis of a rank-3 value
// and keeps dimensions.
func (m matcher) lastAxis(n *node) error {
	axes, ok := n.attrInts("axes")
	if !ok && len(n.in) > 1 {
		if v, c := m.g.consts[n.in[1]]; c {
			axes, ok = v.ints(), true
		}
	}
	if !ok || len(axes) != 1 || (axes[0] != -1 && axes[0] != 2) || n.attrInt("keepdims", 1) == 0 {
		return fmt.Errorf("bert: fused plan: %s does not average the hidden axis", n.describe())
	}
	return nil
}

// headChain follows a projection output through Reshape/Transpose (and a
// scalar Mul/Div, folded into scale) to the attention MatMul it feeds. It
// returns that MatMul, the input position, the Transpose perms seen, the
// Reshape shape input, and the scale factor met on the way.
func (m matcher) headChain(from string) (mm *node, pos int, perms [][]int64, reshapeShape string, scale float32, err error) {
	cur := from
	scale = 1
	for steps := 0; steps < 8; steps++ {
		u := m.users(cur)
		if len(u) != 1 {
			return nil, 0, nil, "", 0, fmt.Errorf("bert: fused plan: attention value %q has %d consumers", cur, len(u))
		}
		n := u[0]
		switch n.op {
		case "Reshape":
			if n.in[0] != cur {
				return nil, 0, nil, "", 0, fmt.Errorf("bert: fused plan: %s reshapes by an activation", n.describe())
			}
			reshapeShape = n.in[1]
		case "Transpose":
			p, _ := n.attrInts("perm")
			perms = append(perms, p)
		case "Mul", "Div":
			s, ok := m.scalar(other(n, cur))
			if !ok || (n.op == "Div" && n.in[0] != cur) {
				return nil, 0, nil, "", 0, fmt.Errorf("bert: fused plan: %s is not a scaling by a constant", n.describe())
			}
			if n.op == "Div" {
				s = 1 / s
			}
			scale *= s
		case "MatMul":
			if n.in[0] == cur {
				return n, 0, perms, reshapeShape, scale, nil
			}
			return n, 1, perms, reshapeShape, scale, nil
		default:
			return nil, 0, nil, "", 0, fmt.Errorf("bert: fused plan: unexpected %s in the attention heads", n.describe())
		}
		cur = n.out[0]
	}
	return nil, 0, nil, "", 0, fmt.Errorf("bert: fused plan: attention chain from %q too long", from)
}

func permIs(p []int64, want ...int64) bool {
	if len(p) != len(want) {
		return false
	}
	for k := range p {
		if p[k] != want[k] {
			return false
		}
	}
	return true
}

// probeFeeds is a small batch for evaluating subgraphs: two rows of seven
// tokens; the second row ends in padding (id pad, mask 0).
func (m matcher) probeFeeds(pad int64) map[string]*value {
	const rows, cols = 2, 7
	ids := newInt([]int{rows, cols})
	mask := newInt([]int{rows, cols})
	for k := range ids.i {
		ids.i[k] = int64(2 + (k*7)%5)
		mask.i[k] = 1
	}
	for c := cols - 3; c < cols; c++ {
		ids.i[cols+c] = pad
		mask.i[cols+c] = 0
	}
	feeds := map[string]*value{}
	for _, in := range m.g.inputs {
		switch in {
		case inIDs:
			feeds[in] = ids
		case inMask:
			feeds[in] = mask
		case inTypeIDs:
			feeds[in] = newInt([]int{rows, cols})
		}
	}
	return feeds
}

func (m matcher) evalOne(feeds map[string]*value, name string) (*value, error) {
	r, err := m.g.eval(feeds, []string{name}, nil)
	if err != nil {
		return nil, err
	}
	return r.out[name], nil
}

// positions reads how the position ids are computed by evaluating their
// subgraph on probe inputs: either offset + index (BERT, DistilBERT) or the
// padding-aware cumulative count (RoBERTa).
func (m matcher) positions(p *plan, idx string) error {
	p.padID = -1
	hasCumSum := false
	var walk func(name string, depth int)
	seen := map[string]bool{}
	walk = func(name string, depth int) {
		if seen[name] || depth > 32 {
			return
		}
		seen[name] = true
		n, ok := m.g.producer[name]
		if !ok {
			return
		}
		if n.op == "CumSum" {
			hasCumSum = true
		}
		if n.op == "Equal" && len(n.in) == 2 && (n.in[0] == inIDs || n.in[1] == inIDs) {
			if v, ok := m.g.consts[other(n, inIDs)]; ok && v.len() == 1 {
				p.padID = v.ints()[0]
			}
		}
		for _, in := range n.in {
			walk(in, depth+1)
		}
	}
	walk(idx, 0)
	pad := int64(0)
	if hasCumSum {
		if p.padID < 0 {
			return fmt.Errorf("bert: fused plan: cumulative position ids without a padding-id comparison")
		}
		pad = p.padID
		p.posMode = posPadding
	} else {
		p.posMode = posAbsolute
	}
	feeds := m.probeFeeds(pad)
	got, err := m.evalOne(feeds, idx)
	if err != nil {
		return fmt.Errorf("bert: fused plan: position ids: %w", err)
	}
	ids := feeds[inIDs]
	rows, cols := ids.shape[0], ids.shape[1]
	gi := got.ints()
	if len(gi) == 0 {
		return fmt.Errorf("bert: fused plan: empty position ids")
	}
	p.posOffset = gi[0] // absolute: the first position
	if hasCumSum {
		p.posOffset = gi[len(gi)-1] // padding-aware: the probe's last token is padding
	}
	want := make([]int64, rows*cols)
	for r := 0; r < rows; r++ {
		p.positionIDs(want[r*cols:(r+1)*cols], ids.i[r*cols:(r+1)*cols])
	}
	if len(gi) != len(want) && len(gi) != cols {
		return fmt.Errorf("bert: fused plan: position ids have shape %v", got.shape)
	}
	for k := range want {
		if gi[k%len(gi)] != want[k] {
			return fmt.Errorf("bert: fused plan: position-id subgraph computes %v, not a recognised scheme", gi)
		}
	}
	return nil
}

// encoderLayer matches one post-LayerNorm transformer layer starting at the
// hidden state x, whose three projections are mms.
func (m matcher) encoderLayer(p *plan, x string, mms []*node) (layer, string, error) {
	h := p.hidden
	var lin [3]linear
	var scoreMM, kMM, ctxMM *node
	var qi, ki, vi = -1, -1, -1
	var scale float32 = 1
	var reshapeShape string
	for j, mm := range mms {
		l, out, err := m.linearAt(mm, x, h)
		if err != nil {
			return layer{}, "", err
		}
		if l.n != h {
			return layer{}, "", fmt.Errorf("bert: fused plan: %s projects to %d, not the hidden size %d", mm.describe(), l.n, h)
		}
		lin[j] = l
		amm, pos, perms, rs, s, err := m.headChain(out)
		if err != nil {
			return layer{}, "", err
		}
		scale *= s
		reshapeShape = rs
		// Q: [B,S,h,d] → perm 0213, left operand. K: perm 0231 (or 0213 then
		// 0132), right operand of the same MatMul. V: perm 0213, right operand
		// of the context MatMul.
		switch {
		case pos == 0 && len(perms) == 1 && permIs(perms[0], 0, 2, 1, 3):
			qi, scoreMM = j, amm
		case pos == 1 && ((len(perms) == 1 && permIs(perms[0], 0, 2, 3, 1)) ||
			(len(perms) == 2 && permIs(perms[0], 0, 2, 1, 3) && permIs(perms[1], 0, 1, 3, 2))):
			ki, kMM = j, amm
		case pos == 1 && len(perms) == 1 && permIs(perms[0], 0, 2, 1, 3):
			vi, ctxMM = j, amm
		default:
			return layer{}, "", fmt.Errorf("bert: fused plan: %s: head split %v not recognised", amm.describe(), perms)
		}
	}
	if qi < 0 || ki < 0 || vi < 0 || scoreMM != kMM || ctxMM == nil || scoreMM == ctxMM {
		return layer{}, "", fmt.Errorf("bert: fused plan: Q/K/V projections of %q not recognised", x)
	}
	// Heads: the Reshape target evaluated at probe shapes is [B, S, heads, d].
	feeds := m.probeFeeds(max(p.padID, 0))
	rs, err := m.evalOne(feeds, reshapeShape)
	if err != nil {
		return layer{}, "", fmt.Errorf("bert: fused plan: head split shape: %w", err)
	}
	dims := rs.ints()
	if len(dims) != 4 || dims[2] <= 0 {
		return layer{}, "", fmt.Errorf("bert: fused plan: head split shape %v", dims)
	}
	heads := int(dims[2])
	if h%heads != 0 {
		return layer{}, "", fmt.Errorf("bert: fused plan: %d heads do not divide hidden size %d", heads, h)
	}
	if p.heads != 0 && p.heads != heads {
		return layer{}, "", fmt.Errorf("bert: fused plan: layers disagree on the head count")
	}
	p.heads, p.headDim = heads, h/heads
	// Scores: optional scaling, mask Add, Softmax, then the context MatMul.
	cur := scoreMM.out[0]
	var maskName string
	var maskWhere *node
	for steps := 0; ; steps++ {
		if steps > 6 {
			return layer{}, "", fmt.Errorf("bert: fused plan: %s: no Softmax after the attention scores", scoreMM.describe())
		}
		us := m.users(cur)
		if len(us) != 1 {
			return layer{}, "", fmt.Errorf("bert: fused plan: attention scores %q have %d consumers", cur, len(us))
		}
		n := us[0]
		switch n.op {
		case "Mul", "Div":
			s, ok := m.scalar(other(n, cur))
			if !ok || (n.op == "Div" && n.in[0] != cur) {
				return layer{}, "", fmt.Errorf("bert: fused plan: %s is not a scaling by a constant", n.describe())
			}
			if n.op == "Div" {
				s = 1 / s
			}
			scale *= s
		case "Add":
			if maskName != "" || maskWhere != nil {
				return layer{}, "", fmt.Errorf("bert: fused plan: %s: a second mask before Softmax", n.describe())
			}
			maskName = other(n, cur)
		case "Where":
			if maskName != "" || maskWhere != nil || len(n.in) != 3 || n.in[2] != cur {
				return layer{}, "", fmt.Errorf("bert: fused plan: %s is not a mask fill of the attention scores", n.describe())
			}
			maskWhere = n
		case "Softmax":
			ax := n.attrInt("axis", -1)
			if m.g.opset < 13 && ax != 3 {
				return layer{}, "", fmt.Errorf("bert: fused plan: %s: opset %d softmax over axis %d", n.describe(), m.g.opset, ax)
			}
			if ax != -1 && ax != 3 {
				return layer{}, "", fmt.Errorf("bert: fused plan: %s: softmax over axis %d", n.describe(), ax)
			}
		default:
			return layer{}, "", fmt.Errorf("bert: fused plan: unexpected %s between attention scores and Softmax", n.describe())
		}
		cur = n.out[0]
		if n.op == "Softmax" {
			break
		}
	}
	switch {
	case maskWhere != nil:
		if err := m.maskFill(p, maskWhere); err != nil {
			return layer{}, "", err
		}
	case maskName == "":
		return layer{}, "", fmt.Errorf("bert: fused plan: %s: no attention mask before Softmax", scoreMM.describe())
	default:
		if err := m.maskValue(p, maskName); err != nil {
			return layer{}, "", err
		}
	}
	if ctxMM.in[0] != cur {
		return layer{}, "", fmt.Errorf("bert: fused plan: %s does not weight V by the softmax", ctxMM.describe())
	}
	// Context: Transpose 0213, Reshape to [B,S,H], output projection.
	tr, err := m.only(ctxMM.out[0], "Transpose")
	if err != nil {
		return layer{}, "", err
	}
	if pm, _ := tr.attrInts("perm"); !permIs(pm, 0, 2, 1, 3) {
		return layer{}, "", fmt.Errorf("bert: fused plan: %s: head merge perm %v", tr.describe(), pm)
	}
	rsh, err := m.only(tr.out[0], "Reshape")
	if err != nil {
		return layer{}, "", err
	}
	om, err := m.only(rsh.out[0], "MatMul")
	if err != nil {
		return layer{}, "", err
	}
	o, oOut, err := m.linearAt(om, rsh.out[0], h)
	if err != nil {
		return layer{}, "", err
	}
	res1, err := m.only(oOut, "Add")
	if err != nil {
		return layer{}, "", err
	}
	if other(res1, oOut) != x {
		return layer{}, "", fmt.Errorf("bert: fused plan: %s is not the attention residual", res1.describe())
	}
	ln1, x1, err := m.layerNormAt(res1.out[0], h)
	if err != nil {
		return layer{}, "", err
	}
	// Feed-forward: fc1, activation, fc2, residual, LayerNorm.
	var fc1MM, res2 *node
	for _, u := range m.users(x1) {
		switch {
		case u.op == "MatMul" && u.in[0] == x1:
			fc1MM = u
		case u.op == "Add":
			res2 = u
		}
	}
	if fc1MM == nil || res2 == nil {
		return layer{}, "", fmt.Errorf("bert: fused plan: no feed-forward block after %q", x1)
	}
	fc1, f, err := m.linearAt(fc1MM, x1, h)
	if err != nil {
		return layer{}, "", err
	}
	fc2MM, fc2In, err := m.findFC2(f, fc1.n)
	if err != nil {
		return layer{}, "", err
	}
	gelu, err := m.activation(f, fc2In, fc1.n)
	if err != nil {
		return layer{}, "", err
	}
	fc2, f2, err := m.linearAt(fc2MM, fc2In, fc1.n)
	if err != nil {
		return layer{}, "", err
	}
	if fc2.n != h {
		return layer{}, "", fmt.Errorf("bert: fused plan: %s projects to %d, not %d", fc2MM.describe(), fc2.n, h)
	}
	r2, err := m.only(f2, "Add")
	if err != nil {
		return layer{}, "", err
	}
	if r2 != res2 || other(r2, f2) != x1 {
		return layer{}, "", fmt.Errorf("bert: fused plan: %s is not the feed-forward residual", r2.describe())
	}
	ln2, x2, err := m.layerNormAt(r2.out[0], h)
	if err != nil {
		return layer{}, "", err
	}
	if p.inter != 0 && p.inter != fc1.n {
		return layer{}, "", fmt.Errorf("bert: fused plan: layers disagree on the intermediate size")
	}
	p.inter = fc1.n
	// Pack Q, K, V side by side: W [H×3H], bias [3H]; for an INT8 export
	// their int8 weights and per-column scales side by side too (a
	// projection the export left fp32 beside quantized ones is quantized as
	// Options.Int8 quantizes).
	qkv := linear{w: make([]float32, h*3*h), b: make([]float32, 3*h), k: h, n: 3 * h}
	if lin[qi].wq != nil || lin[ki].wq != nil || lin[vi].wq != nil {
		qkv.wq = &qweights{q: make([]int8, h*3*h), scales: make([]float32, 3*h)}
	}
	for part, j := range []int{qi, ki, vi} {
		for r := 0; r < h; r++ {
			copy(qkv.w[r*3*h+part*h:r*3*h+(part+1)*h], lin[j].w[r*h:(r+1)*h])
		}
		copy(qkv.b[part*h:(part+1)*h], lin[j].b)
		if qkv.wq == nil {
			continue
		}
		src := lin[j].wq
		if src == nil {
			q, s := quant.QuantizeWeights(lin[j].w, h, h)
			src = &qweights{q: q, scales: s}
		}
		for r := 0; r < h; r++ {
			copy(qkv.wq.q[r*3*h+part*h:r*3*h+(part+1)*h], src.q[r*h:(r+1)*h])
		}
		copy(qkv.wq.scales[part*h:(part+1)*h], src.scales)
	}
	return layer{qkv: qkv, src: [3]linear{lin[qi], lin[ki], lin[vi]}, o: o, ln1: ln1, fc1: fc1, fc2: fc2, ln2: ln2, gelu: gelu, scale: scale}, x2, nil
}

// findFC2 finds the MatMul by a constant [inter×n] weight downstream of the
// fc1 output f, within a few element-wise nodes.
func (m matcher) findFC2(f string, inter int) (*node, string, error) {
	frontier := []string{f}
	seen := map[string]bool{}
	for depth := 0; depth < 10 && len(frontier) > 0; depth++ {
		var next []string
		for _, name := range frontier {
			for _, u := range m.users(name) {
				if u.op == "MatMul" && u.in[0] == name {
					if w, ok := m.constFloat(u.in[1]); ok && len(w.shape) == 2 && w.shape[0] == inter {
						return u, name, nil
					}
				}
				for _, o := range u.out {
					if !seen[o] {
						seen[o] = true
						next = append(next, o)
					}
				}
			}
		}
		frontier = next
	}
	return nil, "", fmt.Errorf("bert: fused plan: no second feed-forward MatMul after %q", f)
}

// geluTol bounds the difference between the graph's activation subgraph and
// our GELU on probe values, relative to max(1, |x|).
const geluTol = 1e-5

// activation identifies the element-wise subgraph from f to g by evaluating it
// on probe values: GELU in its Erf or tanh form.
func (m matcher) activation(f, g string, width int) (geluKind, error) {
	if f == g {
		return 0, fmt.Errorf("bert: fused plan: no activation between the feed-forward MatMuls")
	}
	x := newFloat([]int{1, 1, width})
	for k := range x.f {
		x.f[k] = -6 + 12*float32(k)/float32(max(width-1, 1))
	}
	y, err := m.evalOne(map[string]*value{f: x}, g)
	if err != nil {
		return 0, fmt.Errorf("bert: fused plan: activation subgraph: %w", err)
	}
	if y.len() != width {
		return 0, fmt.Errorf("bert: fused plan: activation subgraph is not element-wise")
	}
	for _, kind := range []geluKind{geluErfForm, geluTanhForm} {
		ok := true
		for k, v := range x.f {
			want := geluErf(v)
			if kind == geluTanhForm {
				want = geluTanh(v)
			}
			if math.Abs(float64(y.f[k]-want)) > geluTol*math.Max(1, math.Abs(float64(v))) {
				ok = false
				break
			}
		}
		if ok {
			return kind, nil
		}
	}
	return 0, fmt.Errorf("bert: fused plan: the feed-forward activation is neither GELU form")
}

// maskValue evaluates the additive attention-mask subgraph on a probe mask and
// checks it is (1 - mask)·neg along the key axis, the same for every head
// and query ([B,1,1,S] as BERT exports build it, or expanded to [B,1,S,S] or
// [B,h,S,S]); it records neg.
func (m matcher) maskValue(p *plan, name string) error {
	feeds := m.probeFeeds(max(p.padID, 0))
	v, err := m.evalOne(feeds, name)
	if err != nil {
		return fmt.Errorf("bert: fused plan: attention mask: %w", err)
	}
	mask := feeds[inMask]
	rows, cols := mask.shape[0], mask.shape[1]
	if v.dt != dtFloat || len(v.shape) != 4 || v.shape[0] != rows || v.shape[3] != cols ||
		(v.shape[2] != 1 && v.shape[2] != cols) {
		return fmt.Errorf("bert: fused plan: attention mask has shape %v, want [B 1|heads 1|S S]", v.shape)
	}
	neg := float32(0)
	for k, mv := range mask.i {
		if mv == 0 {
			neg = v.f[(k/cols)*v.len()/rows+k%cols]
		}
	}
	if neg >= 0 {
		return fmt.Errorf("bert: fused plan: attention mask fill %g is not negative", neg)
	}
	for k, x := range v.f {
		r, key := k/(v.len()/rows), k%cols
		if x != float32(1-mask.i[r*cols+key])*neg {
			return fmt.Errorf("bert: fused plan: attention mask is not (1 - mask)·%g along the keys", neg)
		}
	}
	if p.maskNeg != 0 && p.maskNeg != neg {
		return fmt.Errorf("bert: fused plan: layers disagree on the mask fill value")
	}
	p.maskNeg = neg
	return nil
}

// maskFillMax is the largest fill value a Where-form mask may use: the plan
// adds the fill to masked scores instead of replacing them, which gives the
// same probabilities (e^(fill+s-max) underflows to 0 either way) only for a
// fill this negative.
const maskFillMax = -1e4

// maskFill reads a Where-form mask, Where(cond, fill, scores) as DistilBERT
// exports write masked_fill: cond, evaluated on a probe mask, must be
// (mask == 0) along the keys for every head and query, and fill one
// constant value; it is recorded as the plan's additive mask value.
func (m matcher) maskFill(p *plan, n *node) error {
	feeds := m.probeFeeds(max(p.padID, 0))
	r, err := m.g.eval(feeds, []string{n.in[0], n.in[1]}, nil)
	if err != nil {
		return fmt.Errorf("bert: fused plan: %s: %w", n.describe(), err)
	}
	cond, fill := r.out[n.in[0]], r.out[n.in[1]]
	mask := feeds[inMask]
	rows, cols := mask.shape[0], mask.shape[1]
	if cond.dt != dtBool || len(cond.shape) != 4 || cond.shape[0] != rows || cond.shape[3] != cols {
		return fmt.Errorf("bert: fused plan: %s: mask condition has shape %v, want [B 1|heads 1|S S]", n.describe(), cond.shape)
	}
	for k, c := range cond.b {
		row, key := k/(cond.len()/rows), k%cols
		if c != (mask.i[row*cols+key] == 0) {
			return fmt.Errorf("bert: fused plan: %s: mask condition is not attention_mask == 0", n.describe())
		}
	}
	if fill.dt != dtFloat || fill.len() == 0 {
		return fmt.Errorf("bert: fused plan: %s: fill is not a float value", n.describe())
	}
	neg := fill.f[0]
	for _, v := range fill.f {
		if v != neg {
			return fmt.Errorf("bert: fused plan: %s: fill is not one constant", n.describe())
		}
	}
	if !(neg <= maskFillMax) {
		return fmt.Errorf("bert: fused plan: %s: fill %g is not a masking value", n.describe(), neg)
	}
	if p.maskNeg != 0 && p.maskNeg != neg {
		return fmt.Errorf("bert: fused plan: layers disagree on the mask fill value")
	}
	p.maskNeg = neg
	return nil
}
