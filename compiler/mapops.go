package compiler

import (
	"sonde/agg"
	"sonde/plan"

	"github.com/cilium/ebpf/asm"

	"sonde/lang/ast"
	"sonde/types"
)

const (
	bpfAny     = 0
	bpfNoExist = 1
)

// keyFor builds the key of a map access in memory. extra bytes (the hist
// bucket) follow the user key and are zeroed.
func (g *gen) keyFor(m *ast.MapRef, info *plan.MapInfo, extra int) (loc, int) {
	if info.Key == nil {
		l := g.alloc(8)
		b, off := g.base(l, asm.R5)
		g.emit(storeImm(b, off, 0, asm.DWord))
		return l, 4
	}
	size := info.Key.Size + extra
	l := g.alloc(size)
	g.zero(l, size)
	if len(m.Keys) == 1 {
		v := g.expr(m.Keys[0])
		g.store(l, info.Key, v)
		g.freeVal(v)
	} else {
		for i, k := range m.Keys {
			f := info.Key.Fields[i]
			v := g.expr(k)
			g.store(l.plus(f.Offset), f.Type, v)
			g.freeVal(v)
		}
	}
	return l, size
}

func (g *gen) mapInfo(m *ast.MapRef) *plan.MapInfo { return g.c.maps[mapName(m.Name)].info }

// lookup emits a map lookup of key; R0 holds the value pointer or NULL.
func (g *gen) lookup(info *plan.MapInfo, key loc) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
	g.addr(asm.R2, key)
	g.emit(asm.FnMapLookupElem.Call())
}

// update emits a map update; a failure is counted for the exit report.
func (g *gen) update(info *plan.MapInfo, key, val loc, flags int32) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
	g.addr(asm.R2, key)
	g.addr(asm.R3, val)
	g.emit(asm.Mov.Imm(asm.R4, flags))
	g.emit(asm.FnMapUpdateElem.Call())
	g.countFailure(info)
}

// countFailure bumps the per-CPU failure counter of info when R0 < 0.
func (g *gen) countFailure(info *plan.MapInfo) {
	ok := g.newLabel("updok")
	g.emit(asm.JSGE.Imm(asm.R0, 0, ok))
	g.bumpError(info.Index, ok)
}

// bumpError adds one to this CPU's count at index of the map_errors map
// (a map's failed updates; the last index counts lost events), then binds
// ok, where the caller jumped when nothing failed.
func (g *gen) bumpError(index int, ok string) {
	g.c.usesErrors = true
	l := g.alloc(8)
	b, off := g.base(l, asm.R5)
	g.emit(storeImm(b, off, int64(index), asm.DWord))
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(errorsMap))
	g.addr(asm.R2, l)
	g.emit(asm.FnMapLookupElem.Call())
	g.emit(asm.JEq.Imm(asm.R0, 0, ok))
	g.emit(asm.LoadMem(asm.R1, asm.R0, 0, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, 0, asm.R1, asm.DWord))
	g.bind(ok)
}

// mapRead reads a map value; a missing key reads as zero.
func (g *gen) mapRead(m *ast.MapRef) value {
	info := g.mapInfo(m)
	t := g.typeOf(m)
	if info.PerCPU {
		return g.percpuRead(m, info, t)
	}
	key, _ := g.keyFor(m, info, 0)
	g.lookup(info, key)
	if isMemType(t) {
		l := g.alloc(t.Size)
		missing, done := g.newLabel("miss"), g.newLabel("got")
		g.emit(asm.JEq.Imm(asm.R0, 0, missing))
		g.emit(asm.Mov.Reg(asm.R3, asm.R0))
		g.addr(asm.R1, l)
		g.emit(asm.Mov.Imm(asm.R2, int32(t.Size)), asm.FnProbeReadKernel.Call(), asm.Ja.Label(done))
		g.bind(missing)
		g.zero(l, t.Size)
		g.bind(done)
		g.emit(asm.Mov.Reg(asm.R0, asm.R0))
		return value{t: t, mem: l}
	}
	v := g.newReg()
	r := g.r(v)
	done := g.newLabel("got")
	g.emit(asm.Mov.Imm(r, 0), asm.JEq.Imm(asm.R0, 0, done))
	g.emit(asm.LoadMem(r, asm.R0, 0, sizeOf(info.Value.Size)))
	g.bind(done)
	g.emit(asm.Mov.Reg(r, r))
	return value{t: t, reg: v}
}

// percpuRead sums (or combines) an aggregation's per-CPU values with
// bpf_map_lookup_percpu_elem, as bpftrace does for `@c > 10`.
func (g *gen) percpuRead(m *ast.MapRef, info *plan.MapInfo, t *types.Type) value {
	key, _ := g.keyFor(m, info, 0)
	return g.percpuReadKey(info, key, t)
}

// percpuReadKey merges the per-CPU values of the key at key, as the map's
// aggregation reads them.
func (g *gen) percpuReadKey(info *plan.MapInfo, key loc, t *types.Type) value {
	a, _ := agg.Lookup(info.Agg)
	r := &percpuRead{g: g, info: info, key: key}
	a.Read(r)
	return value{t: t, reg: r.acc}
}

// percpuRead implements agg.Reader: each method emits one loop over the
// CPUs with bpf_map_lookup_percpu_elem, leaving the result in acc.
type percpuRead struct {
	g    *gen
	info *plan.MapInfo
	key  loc
	acc  *vreg
}

// loop emits, for every CPU with a value (R0), R1 = the u64 at off and
// then body, which may jump to next to skip the rest; after sees the
// accumulator and counter registers once the loop is done.
func (r *percpuRead) loop(off int, body func(next string, ra, rc asm.Register), after func(ra, rc asm.Register)) {
	g := r.g
	acc := g.newReg()
	g.emit(asm.Mov.Imm(g.r(acc), 0))
	cnt := g.newReg()
	g.emit(asm.Mov.Imm(g.r(cnt), 0))
	g.locked[acc], g.locked[cnt] = true, true
	ncpu := g.c.opts.Facts.NumCPUs()
	for cpu := 0; cpu < ncpu; cpu++ {
		next := g.newLabel("cpu")
		g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(r.info.MapName))
		g.addr(asm.R2, r.key)
		g.emit(asm.Mov.Imm(asm.R3, int32(cpu)), asm.FnMapLookupPercpuElem.Call())
		g.emit(asm.JEq.Imm(asm.R0, 0, next))
		ra, rc := g.r2(acc, cnt)
		g.emit(asm.LoadMem(asm.R1, asm.R0, int16(off), asm.DWord))
		body(next, ra, rc)
		g.bind(next)
		g.emit(asm.Mov.Reg(g.r(acc), g.r(acc)))
	}
	if after != nil {
		after(g.r2(acc, cnt))
	}
	delete(g.locked, acc)
	delete(g.locked, cnt)
	g.free(cnt)
	r.acc = acc
}

func (r *percpuRead) Sum(off int) {
	r.loop(off, func(_ string, ra, _ asm.Register) { r.g.emit(asm.Add.Reg(ra, asm.R1)) }, nil)
}

func (r *percpuRead) Average(count, total int) {
	g := r.g
	r.loop(count, func(_ string, ra, rc asm.Register) {
		g.emit(asm.Add.Reg(rc, asm.R1), asm.LoadMem(asm.R1, asm.R0, int16(total), asm.DWord), asm.Add.Reg(ra, asm.R1))
	}, func(ra, rc asm.Register) {
		done := g.newLabel("avg0")
		g.emit(asm.JEq.Imm(rc, 0, done))
		if r.info.Signed {
			g.alu(asm.SDiv, ra, rc)
		} else {
			g.emit(asm.Div.Reg(ra, rc))
		}
		g.bind(done)
		g.emit(asm.Mov.Reg(ra, ra))
	})
}

func (r *percpuRead) Keep(off, set int, largest bool) {
	g := r.g
	r.loop(off, func(next string, ra, rc asm.Register) {
		g.emit(asm.LoadMem(asm.R2, asm.R0, int16(set), asm.DWord), asm.JEq.Imm(asm.R2, 0, next))
		skip := g.newLabel("keep")
		jop := asm.JGE
		if largest {
			jop = asm.JLE
		}
		if r.info.Signed {
			jop = map[asm.JumpOp]asm.JumpOp{asm.JGE: asm.JSGE, asm.JLE: asm.JSLE}[jop]
		}
		// First set value, or a better one, replaces the accumulator.
		take := g.newLabel("take")
		g.emit(asm.JEq.Imm(rc, 0, take))
		g.emit(jop.Reg(asm.R1, ra, skip))
		g.bind(take)
		g.emit(asm.Mov.Reg(ra, asm.R1), asm.Mov.Imm(rc, 1))
		g.bind(skip)
		g.emit(asm.Mov.Reg(ra, ra))
	}, nil)
}

// mapStore sets @m[k] = v.
func (g *gen) mapStore(m *ast.MapRef, v value) {
	info := g.mapInfo(m)
	val := g.materialize(v, info.Value)
	key, _ := g.keyFor(m, info, 0)
	g.update(info, key, val, bpfAny)
}

// mapAdd implements @m[k]++ / -- atomically; post selects the old value.
func (g *gen) mapAdd(m *ast.MapRef, e ast.Expr, delta int64, post bool) value {
	d := g.imm(delta)
	old := g.mapAddRegResult(m, d, true)
	if post {
		return old
	}
	r := g.r(old.reg)
	g.emit(asm.Add.Imm(r, int32(delta)))
	return old
}

func (g *gen) mapAddReg(m *ast.MapRef, d *vreg) {
	g.freeVal(g.mapAddRegResult(m, d, false))
}

// insertNew inserts val under a new key with BPF_NOEXIST, then restores
// the registers to st. When another CPU inserted the key first (-EEXIST)
// it looks the key up again and jumps to found with R0 at the element;
// any other failure is counted. It falls through when inserted or failed.
func (g *gen) insertNew(info *plan.MapInfo, key, val loc, found string, st regState, failLabel string) {
	g.emit(asm.LoadMapPtr(asm.R1, 0).WithReference(info.MapName))
	g.addr(asm.R2, key)
	g.addr(asm.R3, val)
	g.emit(asm.Mov.Imm(asm.R4, bpfNoExist), asm.FnMapUpdateElem.Call())
	g.restoreRegs(st)
	lost := g.newLabel(failLabel)
	g.emit(asm.JNE.Imm(asm.R0, -17, lost))
	g.lookup(info, key)
	g.emit(asm.JNE.Imm(asm.R0, 0, found))
	g.emit(asm.Mov.Imm(asm.R0, -17))
	g.bind(lost)
	g.countFailure(info)
}

// mapAddRegResult adds the value in d to @m[k] with an atomic fetch-add, or
// inserts it when the key is new. It returns the previous value.
func (g *gen) mapAddRegResult(m *ast.MapRef, d *vreg, wantOld bool) value {
	info := g.mapInfo(m)
	key, _ := g.keyFor(m, info, 0)
	val := g.alloc(8)
	found, done := g.newLabel("addfound"), g.newLabel("adddone")
	res := g.newReg()
	g.locked[res], g.locked[d] = true, true
	st := g.saveRegs()
	g.lookup(info, key)
	g.emit(asm.JNE.Imm(asm.R0, 0, found))
	// New key: insert the delta, unless another CPU inserted it first.
	b, off := g.base(val, asm.R5)
	g.emit(asm.StoreMem(b, off, g.r(d), asm.DWord))
	g.emit(asm.Mov.Imm(g.r(res), 0))
	g.insertNew(info, key, val, found, st, "addfail")
	g.restoreRegs(st)
	g.emit(asm.Ja.Label(done))
	g.bind(found)
	g.restoreRegs(st)
	rr := g.r(res)
	g.emit(asm.Mov.Reg(rr, g.r(d)))
	// FetchAdd leaves the old value in rr.
	fetch := asm.FetchAdd.Mem(asm.R0, rr, asm.DWord, 0)
	// cilium/ebpf v0.22 marshals the atomic op into imm after reading imm,
	// dropping BPF_FETCH; set imm ourselves.
	fetch.Constant = int64(asm.FetchAdd >> 8)
	g.emit(fetch)
	g.restoreRegs(st)
	g.bind(done)
	g.emit(asm.Mov.Reg(g.r(res), g.r(res)))
	delete(g.locked, res)
	delete(g.locked, d)
	g.free(d)
	return value{t: info.Value, reg: res}
}

// aggregate updates an aggregation map with the value of call.
func (g *gen) aggregate(m *ast.MapRef, call *ast.Call, a *agg.Aggregation) {
	info := g.mapInfo(m)
	var x *vreg
	if len(call.Args) > 0 {
		x = g.expr(call.Args[0]).reg
	}
	extra := 0
	if a.Bucketed() {
		extra = 8
	}
	var key loc
	keySize := 4
	if info.Array {
		key = g.alloc(8)
		b, off := g.base(key, asm.R5)
		g.emit(storeImm(b, off, 0, asm.DWord))
	} else {
		key, keySize = g.keyFor(m, info, extra)
	}
	if extra > 0 {
		bucket := g.newReg()
		g.emit(asm.Mov.Reg(g.r(bucket), g.r(x)))
		a.Bucket(&aggCode{g: g, info: info, x: bucket}, info.AggArgs)
		b, off := g.base(key, asm.R5)
		if info.Array {
			g.emit(asm.StoreMem(b, off, g.r(bucket), asm.Word))
		} else {
			g.storeReg(b, off+int16(keySize-8), g.r(bucket), 8)
		}
		g.free(bucket)
	}
	// A concurrent insert of the same new key on another CPU makes ours
	// fail with EEXIST; then a second lookup finds the key and the update
	// path runs once more. (A loop back to the first lookup would look
	// unbounded to the verifier.)
	if x != nil {
		g.locked[x] = true
	}
	st := g.saveRegs()
	g.lookup(info, key)
	insert, done, found := g.newLabel("agginsert"), g.newLabel("aggdone"), g.newLabel("aggfound")
	g.emit(asm.JEq.Imm(asm.R0, 0, insert))
	g.bind(found)
	if info.SetAt > 0 {
		g.emit(storeImm(asm.R0, int16(info.SetAt), 1, asm.DWord))
	}
	// Existing entry: update this CPU's copy in place.
	upd := &aggCode{g: g, info: info, x: x, done: done}
	a.Update(upd)
	if info.HistSums {
		upd.Add(8, false) // the bucket's sum, beside its count
	}
	if info.Array {
		// Array elements always exist; the insert path is unreachable.
		g.emit(asm.Ja.Label(done))
		g.bind(insert)
		g.bind(done)
		g.emit(asm.Mov.Reg(asm.R0, asm.R0))
		g.free(x)
		return
	}
	g.emit(asm.Ja.Label(done))
	g.bind(insert)
	size := a.Size
	if info.HistSums {
		size = 16
	}
	val := g.alloc(size)
	fresh := &aggCode{g: g, info: info, x: x, fresh: true, val: val}
	a.Update(fresh)
	if info.HistSums {
		fresh.Add(8, false)
	}
	// Per-CPU hash: a new element is zero on the other CPUs. If another
	// CPU inserted the key first, BPF_NOEXIST fails and we add to ours.
	g.insertNew(info, key, val, found, st, "aggfail")
	g.bind(done)
	g.emit(asm.Mov.Reg(asm.R0, asm.R0))
	if x != nil {
		delete(g.locked, x)
	}
	g.free(x)
}

// aggCode implements agg.Gen for one aggregation update: in place, on this
// CPU's value at R0 (jumping to done when nothing changes), or on a fresh
// value at val that starts as zero and is then inserted.
type aggCode struct {
	g     *gen
	info  *plan.MapInfo
	x     *vreg // the value aggregated; for Bucket, a copy that becomes the bucket
	done  string
	fresh bool
	val   loc
}

func (c *aggCode) Add(off int, one bool) {
	g := c.g
	if c.fresh {
		b, o := g.base(c.val, asm.R5)
		if one {
			g.emit(storeImm(b, o+int16(off), 1, asm.DWord))
		} else {
			g.emit(asm.StoreMem(b, o+int16(off), g.r(c.x), asm.DWord))
		}
		return
	}
	at := int16(off)
	if one {
		g.emit(asm.LoadMem(asm.R1, asm.R0, at, asm.DWord), asm.Add.Imm(asm.R1, 1), asm.StoreMem(asm.R0, at, asm.R1, asm.DWord))
	} else {
		g.emit(asm.LoadMem(asm.R1, asm.R0, at, asm.DWord), asm.Add.Reg(asm.R1, g.r(c.x)), asm.StoreMem(asm.R0, at, asm.R1, asm.DWord))
	}
}

func (c *aggCode) Keep(off, set int, largest bool) {
	g := c.g
	if c.fresh {
		b, o := g.base(c.val, asm.R5)
		g.emit(asm.StoreMem(b, o+int16(off), g.r(c.x), asm.DWord))
		b, o = g.base(c.val, asm.R5)
		g.emit(storeImm(b, o+int16(set), 1, asm.DWord))
		return
	}
	store := g.newLabel("aggset")
	g.emit(asm.LoadMem(asm.R1, asm.R0, int16(set), asm.DWord), asm.JEq.Imm(asm.R1, 0, store))
	g.emit(asm.LoadMem(asm.R1, asm.R0, int16(off), asm.DWord))
	jop := asm.JLE // keep the old minimum when old <= x
	if largest {
		jop = asm.JGE
	}
	if c.info.Signed {
		jop = map[asm.JumpOp]asm.JumpOp{asm.JLE: asm.JSLE, asm.JGE: asm.JSGE}[jop]
	}
	g.emit(jop.Reg(asm.R1, g.r(c.x), c.done))
	g.bind(store)
	g.emit(asm.StoreMem(asm.R0, int16(off), g.r(c.x), asm.DWord), storeImm(asm.R0, int16(set), 1, asm.DWord))
}

func (c *aggCode) Log2Bucket(bits int) { c.g.histBucket(c.x, bits) }

func (c *aggCode) LinearBucket(min, max, step int64, buckets int) {
	c.g.lhistBucket(c.x, min, max, step, buckets)
}

// histBucket turns the value in v into bpftrace's log2 bucket index:
//
//	n < 0: 0; n < 2^k: n+1; else ((l-k+1) << k) + ((n >> (l-k)) & (2^k-1)) + 1
//
// where l = floor(log2(n)).
func (g *gen) histBucket(v *vreg, k int) {
	r := g.r(v)
	done, pos := g.newLabel("hdone"), g.newLabel("hpos")
	g.emit(asm.JSGE.Imm(r, 0, pos), asm.Mov.Imm(r, 0), asm.Ja.Label(done))
	g.bind(pos)
	mask := int32(1)<<k - 1
	big := g.newLabel("hbig")
	g.emit(asm.JGT.Imm(r, mask, big), asm.Add.Imm(r, 1), asm.Ja.Label(done))
	g.bind(big)
	// R1 = n, R2 = l
	g.emit(asm.Mov.Reg(asm.R1, r), asm.Mov.Imm(asm.R2, 0))
	for _, sh := range []int32{32, 16, 8, 4, 2, 1} {
		skip := g.newLabel("hsh")
		g.emit(asm.Mov.Reg(asm.R3, asm.R1), asm.RSh.Imm(asm.R3, sh), asm.JEq.Imm(asm.R3, 0, skip))
		g.emit(asm.Mov.Reg(asm.R1, asm.R3), asm.Add.Imm(asm.R2, sh))
		g.bind(skip)
	}
	// R3 = (n >> (l-k)) & mask
	g.emit(asm.Mov.Reg(asm.R3, r), asm.Mov.Reg(asm.R4, asm.R2))
	if k > 0 {
		g.emit(asm.Sub.Imm(asm.R4, int32(k)))
	}
	g.emit(asm.RSh.Reg(asm.R3, asm.R4), asm.And.Imm(asm.R3, mask))
	// r = ((l-k+1) << k) + R3 + 1
	g.emit(asm.Mov.Reg(r, asm.R2), asm.Add.Imm(r, int32(1-k)))
	if k > 0 {
		g.emit(asm.LSh.Imm(r, int32(k)))
	}
	g.emit(asm.Add.Reg(r, asm.R3), asm.Add.Imm(r, 1))
	g.bind(done)
	g.emit(asm.Mov.Reg(r, r))
}

// lhistBucket: 0 below min, 1 + (n-min)/step inside, last bucket at or
// above max.
func (g *gen) lhistBucket(v *vreg, min, max, step int64, buckets int) {
	r := g.r(v)
	done, ge, lt := g.newLabel("ldone"), g.newLabel("lge"), g.newLabel("llt")
	g.emit(asm.LoadImm(asm.R1, min, asm.DWord), asm.JSGE.Reg(r, asm.R1, ge), asm.Mov.Imm(r, 0), asm.Ja.Label(done))
	g.bind(ge)
	g.emit(asm.LoadImm(asm.R1, max, asm.DWord), asm.JSLT.Reg(r, asm.R1, lt))
	g.emit(asm.Mov.Imm(r, int32(buckets-1)), asm.Ja.Label(done))
	g.bind(lt)
	g.emit(asm.LoadImm(asm.R1, min, asm.DWord), asm.Sub.Reg(r, asm.R1))
	g.emit(asm.LoadImm(asm.R1, step, asm.DWord), asm.Div.Reg(r, asm.R1), asm.Add.Imm(r, 1))
	g.bind(done)
	g.emit(asm.Mov.Reg(r, r))
}
