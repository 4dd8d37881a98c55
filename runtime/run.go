// Package runtime loads a compiled Spec into the kernel, attaches its
// probes, turns ring-buffer records into output, and prints the maps at the
// end. It alone touches the kernel, and it detaches everything on every exit
// path.
package runtime

import (
	"sonde/plan"

	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
	"golang.org/x/sys/unix"

	"sonde/lang/ast"
	"sonde/lang/diag"
	"sonde/provider"
	"sonde/runtime/attach"
	"sonde/runtime/mapdata"
	"sonde/runtime/output"
)

// Options control a run.
type Options struct {
	Out    output.Output
	Env    *output.Env // how Out prints; built with the Loaded's StackFrames
	Stderr io.Writer
	Quiet  bool
	DryRun bool
	Child  *Child // -c: started stopped, resumed after attach
	Pid    int    // -p: the run ends when this process exits
	// KeepMaps returns the user maps as read at the end in Result.Maps,
	// whether or not they are printed.
	KeepMaps bool
	// NoWarnings (--no-warnings) drops warnf() output and the run's own
	// warnings (a missing probe skipped, a full map).
	NoWarnings bool
	// KeepRunning: a script of begin/end probes only does not end by
	// itself, as its maps are being served (metrics mode).
	KeepRunning bool
}

// Result is how a run ended.
type Result struct {
	ExitCode int
	Maps     []*mapdata.Map // with Options.KeepMaps: every user map at the end
}

// Loaded is a Spec in the kernel: its maps and programs, with nothing
// attached yet. Run it once; Close it when done.
type Loaded struct {
	spec     *plan.Spec
	filename string
	coll     *ebpf.Collection
	progs    map[*plan.Program]*ebpf.Program
	ncpu     int

	life   sync.RWMutex // held for reading while maps are read; Close takes it
	closed bool
	ran    bool
}

// ErrClosed is returned by a Loaded's methods after Close.
var ErrClosed = errors.New("sonde: the script's maps are closed")

// Load loads spec's maps and programs into the kernel. filename names the
// script in a verifier rejection and in errorf/warnf locations.
func Load(spec *plan.Spec, filename string) (*Loaded, error) {
	ncpu, err := ebpf.PossibleCPU()
	if err != nil {
		return nil, err
	}
	cs := &ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{}, Programs: map[string]*ebpf.ProgramSpec{}}
	for _, m := range spec.Maps {
		cs.Maps[m.Name] = m.Copy()
	}
	names := map[*plan.Program]string{}
	for i, p := range spec.Programs {
		name := fmt.Sprintf("prog%d", i)
		cs.Programs[name] = p.Spec.Copy()
		names[p] = name
	}
	coll, err := ebpf.NewCollectionWithOptions(cs, ebpf.CollectionOptions{
		Programs: ebpf.ProgramOptions{LogSizeStart: 1 << 20},
	})
	if err != nil {
		return nil, explainLoadError(err, spec, filename)
	}
	l := &Loaded{spec: spec, filename: filename, coll: coll, ncpu: ncpu, progs: map[*plan.Program]*ebpf.Program{}}
	for p, name := range names {
		l.progs[p] = coll.Programs[name]
	}
	return l, nil
}

// Close releases the maps and programs. A run still going keeps its
// own references until it ends.
func (l *Loaded) Close() {
	l.life.Lock()
	defer l.life.Unlock()
	if !l.closed {
		l.closed = true
		l.coll.Close()
	}
}

// Maps reads every user map now, in name order: a snapshot, safe to take
// while the script runs.
func (l *Loaded) Maps() ([]*mapdata.Map, error) {
	l.life.RLock()
	defer l.life.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	out := make([]*mapdata.Map, 0, len(l.spec.Plan.Maps))
	for _, info := range l.spec.Plan.Maps {
		data, err := l.mapData(info)
		if err != nil {
			return nil, err
		}
		out = append(out, data)
	}
	return out, nil
}

func (l *Loaded) mapData(info *plan.MapInfo) (*mapdata.Map, error) {
	raw, err := readMap(l.coll.Maps[info.MapName], l.ncpu)
	if err != nil {
		return nil, err
	}
	return mapdata.Merge(info, raw), nil
}

// Run attaches the programs and processes events until exit(), ctx is
// cancelled (SIGINT/SIGTERM), the child exits, or a begin/end-only script
// finishes. Maps are printed and everything is detached before it returns.
// The maps stay readable until Close.
func (l *Loaded) Run(ctx context.Context, opts Options) (res Result, err error) {
	l.life.Lock()
	if l.closed || l.ran {
		l.life.Unlock()
		return res, errors.New("sonde: a loaded script runs once")
	}
	l.ran = true
	l.life.Unlock()
	r := &run{Loaded: l, plan: l.spec.Plan, opts: opts, out: opts.Out, done: make(chan struct{})}
	defer r.close()
	if r.plan.RingBuf != "" {
		rb, err := ringbuf.NewReader(l.coll.Maps[r.plan.RingBuf])
		if err != nil {
			return res, fmt.Errorf("ring buffer: %w", err)
		}
		r.rb = rb
	}
	if err := r.setGlobals(); err != nil {
		return res, err
	}
	// Begin probes run before anything is attached; a dry run runs
	// nothing: it only loads and attaches.
	if !opts.DryRun {
		if err := r.runSpecial(provider.RunAtStart); err != nil {
			return res, err
		}
	}
	attached, err := r.attachAll()
	if err != nil {
		return res, err
	}
	// Before the banner: a SIGUSR1 sent once attached must find the handler.
	stopSelf := r.watchSelfSignals()
	defer stopSelf()
	if !opts.Quiet {
		r.out.Event(output.Event{Kind: output.KindAttached, N: uint64(attached)})
	}
	if opts.DryRun {
		// A dry run runs no probe: it loads and attaches, and that is all.
		r.detach()
		return res, nil
	}
	if opts.Child != nil {
		if err := opts.Child.Resume(); err != nil {
			return res, err
		}
	}
	_, err = r.loop(ctx)
	if err != nil {
		return res, err
	}
	res.Maps, err = r.finish(true)
	r.mu.Lock()
	res.ExitCode = r.exitCode
	r.mu.Unlock()
	return res, err
}

// run is one Run of a Loaded.
type run struct {
	*Loaded
	plan  *plan.Plan
	opts  Options
	out   output.Output
	links []attach.Link
	// iterLinks are the iter probes' links, read once by runIterators.
	iterLinks []attach.Link
	rb        *ringbuf.Reader

	formats []*output.Format // parsed printf formats by action id
	buf     []byte

	mu       sync.Mutex
	exitCode int
	exiting  bool
	sawExit  bool
	done     chan struct{}
	once     sync.Once
	cleaned  bool
	detached bool
}

// setGlobals fills the values the programs read at run time: the start time
// for `elapsed`, the child pid for `cpid` and the TAI offset for
// nsecs(sw_tai), laid out as plan.Global* says.
func (r *run) setGlobals() error {
	if r.plan.GlobalsMap == "" {
		return nil
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return err
	}
	var tai unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_TAI, &tai); err != nil {
		return err
	}
	buf := make([]byte, plan.GlobalsSize)
	binary.LittleEndian.PutUint64(buf[plan.GlobalStartTime:], uint64(ts.Nano()))
	if r.opts.Child != nil {
		binary.LittleEndian.PutUint64(buf[plan.GlobalChildPid:], uint64(r.opts.Child.Pid()))
	}
	binary.LittleEndian.PutUint64(buf[plan.GlobalTAIOffset:], uint64(tai.Nano()-ts.Nano()))
	return r.coll.Maps[r.plan.GlobalsMap].Put(uint32(0), buf)
}

// runSpecial runs the programs sonde fires itself at point when (begin,
// end, self), in declaration order.
func (r *run) runSpecial(when provider.Run) error {
	for _, p := range r.spec.Programs {
		if provider.Get(p.Probe.Provider).Run != when {
			continue
		}
		// A raw tracepoint program's test run takes its u64 args as context.
		if _, err := r.progs[p].Run(&ebpf.RunOptions{Context: make([]byte, 8)}); err != nil {
			return fmt.Errorf("run %s probe: %w", p.Probe.Provider, err)
		}
	}
	return nil
}

// attachOrder is the order to attach programs in so that probes on one
// point run in the order the script declares them: the kernel runs a
// uprobe's consumers newest first, so user-space probes attach in reverse.
func attachOrder(progs []*plan.Program) []*plan.Program {
	out := make([]*plan.Program, 0, len(progs))
	var user []*plan.Program
	for _, p := range progs {
		if provider.Get(p.Probe.Provider).UserSpace {
			user = append(user, p)
		} else {
			out = append(out, p)
		}
	}
	for i := len(user) - 1; i >= 0; i-- {
		out = append(out, user[i])
	}
	return out
}

// attachAll attaches every program and counts the probes that run: the
// ones attached and those sonde fires itself (begin, end).
func (r *run) attachAll() (int, error) {
	n := 0
	for _, p := range attachOrder(r.spec.Programs) {
		d := provider.Get(p.Probe.Provider)
		if d.Special() {
			n++
			continue // run by sonde, not attached
		}
		probe := p.Probe
		if r.opts.Child != nil && probe.Pid == 0 && d.UserSpace {
			// -c: user probes trace the command, as in bpftrace. The
			// event is bound to the held child and survives its exec.
			probe.Pid = r.opts.Child.Pid()
		}
		l, err := attach.Attach(probe, r.progs[p])
		if err != nil {
			if r.plan.Config.MissingProbes == "error" || r.plan.Config.MissingProbes == "" {
				return n, err
			}
			if r.plan.Config.MissingProbes == "warn" && !r.opts.NoWarnings {
				fmt.Fprintf(r.stderr(), "WARNING: %v\n", err)
			}
			continue
		}
		r.links = append(r.links, l)
		n++
		if isIter(p) {
			r.iterLinks = append(r.iterLinks, l)
		}
		testPanic("attach")
	}
	return n, nil
}

func (r *run) stderr() io.Writer {
	if r.opts.Stderr != nil {
		return r.opts.Stderr
	}
	return os.Stderr
}

// onlySpecial reports whether the script has nothing but begin/end probes,
// in which case it ends by itself.
func (r *run) onlySpecial() bool {
	for _, p := range r.spec.Programs {
		if r := provider.Get(p.Probe.Provider).Run; r != provider.RunAtStart && r != provider.RunAtEnd {
			return false
		}
	}
	return true
}

func (r *run) isExiting() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.exiting
}

func (r *run) requestExit(code int) {
	r.mu.Lock()
	if !r.exiting {
		r.exiting = true
		r.exitCode = code
	}
	r.mu.Unlock()
	r.once.Do(func() { close(r.done) })
}

// loop reads events until something ends the run.
func (r *run) loop(ctx context.Context) (int, error) {
	if (r.onlySpecial() && !r.opts.KeepRunning) || r.isExiting() {
		r.requestExit(r.exitCode)
	}
	var childDone, pidDone <-chan struct{}
	if r.opts.Child != nil {
		childDone = r.opts.Child.Done()
	}
	if r.opts.Pid > 0 {
		done, stop, err := watchPid(r.opts.Pid)
		if err != nil {
			return 0, err
		}
		defer stop()
		pidDone = done
	}
	readerErr := make(chan error, 1)
	if r.rb != nil {
		go func() {
			// A panic here would end sonde without the deferred detach
			// and map printing of Run: make it the run's error instead.
			defer func() {
				if p := recover(); p != nil {
					readerErr <- fmt.Errorf("internal error reading events: %v\n%s", p, debug.Stack())
				}
			}()
			readerErr <- r.readEvents()
		}()
	}
	if len(r.iterLinks) > 0 {
		go r.runIterators()
	}

	testPanic("loop")
	select {
	case <-r.done:
	case <-ctx.Done():
	case <-childDone:
	case <-pidDone:
	case err := <-readerErr:
		if err != nil {
			return 0, err
		}
	}
	r.mu.Lock()
	code := r.exitCode
	r.exiting = true
	r.mu.Unlock()
	if r.rb != nil {
		// Wake the reader so it returns; remaining records are drained
		// later. (SetDeadline would wait for the reader's lock, which a
		// blocked read holds.)
		r.rb.Flush()
		select {
		case <-readerErr:
		case <-time.After(2 * time.Second):
		}
	}
	return code, nil
}

// Poll intervals of the event reader. Printing records do not wake it
// (see the compiler's wakeFlags), so it looks at the ring on a timer: soon
// after a burst, backing off while the ring stays empty.
const (
	minPoll = 1 * time.Millisecond
	maxPoll = 32 * time.Millisecond
)

// readEvents processes ring-buffer records until the run ends. It reads
// every record a wakeup or poll finds into one reused buffer, and flushes
// the output when the ring is empty: a burst of events costs one write per
// buffer, while a lone event still shows within maxPoll.
func (r *run) readEvents() error {
	var rec ringbuf.Record
	poll := minPoll
	got := false // records since the last poll
	r.rb.SetDeadline(time.Now().Add(poll))
	for {
		if r.isExiting() {
			return nil
		}
		err := r.rb.ReadInto(&rec)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// The ring is empty: poll again, later if it stayed empty.
			if got {
				poll = minPoll
			} else {
				poll = min(2*poll, maxPoll)
			}
			got = false
			r.rb.SetDeadline(time.Now().Add(poll))
			continue
		}
		if err != nil {
			if errors.Is(err, ringbuf.ErrClosed) || errors.Is(err, ringbuf.ErrFlushed) {
				return nil
			}
			return err
		}
		got = true
		testPanic("event")
		if err := r.handle(rec.RawSample); err != nil {
			return err
		}
		if rec.Remaining == 0 {
			r.out.Flush()
		}
	}
}

// drain processes every record already in the ring buffer.
func (r *run) drain() {
	if r.rb == nil {
		return
	}
	r.rb.SetDeadline(time.Now())
	var rec ringbuf.Record
	for {
		if err := r.rb.ReadInto(&rec); err != nil {
			break
		}
		if err := r.handle(rec.RawSample); err != nil {
			fmt.Fprintf(r.stderr(), "ERROR: %v\n", err)
		}
	}
	r.rb.SetDeadline(time.Time{})
}

// finish detaches, runs end probes, drains events and prints the maps. It
// returns them too with Options.KeepMaps. What the probes sent before end
// is handled first: a print() in begin shows the map as it was then.
func (r *run) finish(printMaps bool) ([]*mapdata.Map, error) {
	r.detach()
	r.drain()
	if err := r.runSpecial(provider.RunAtEnd); err != nil {
		return nil, err
	}
	r.drain()
	r.reportLost()
	printMaps = printMaps && r.plan.Config.PrintMapsOnExit
	var kept []*mapdata.Map
	if printMaps || r.opts.KeepMaps {
		if printMaps {
			r.out.Event(output.Event{Kind: output.KindEnd})
		}
		for _, info := range r.plan.Maps {
			data, err := r.mapData(info)
			if err != nil {
				return nil, err
			}
			if printMaps {
				r.out.Map(data, 0, 0)
			}
			if r.opts.KeepMaps {
				kept = append(kept, data)
			}
		}
	}
	r.reportMapFull()
	return kept, r.out.Flush()
}

func (r *run) detach() {
	if r.detached {
		return
	}
	r.detached = true
	events, err := attach.Detach(r.links)
	if err != nil {
		fmt.Fprintf(r.stderr(), "WARNING: detach: %v\n", err)
	}
	r.links = nil
	if err := releaseEvents(events); err != nil {
		fmt.Fprintf(r.stderr(), "WARNING: detach: %v\n", err)
	}
}

// close detaches and stops reading events; the Loaded's maps stay open.
func (r *run) close() {
	if r.cleaned {
		return
	}
	r.cleaned = true
	r.detach()
	if r.rb != nil {
		r.rb.Close()
	}
}

// counters sums the per-CPU failure counters.
func (r *run) counters() []uint64 { return r.Loaded.counters() }

func (r *run) reportLost() {
	c := r.counters()
	if n := len(r.plan.Maps); n < len(c) && c[n] > 0 {
		r.out.Event(output.Event{Kind: output.KindLost, N: c[n]})
	}
}

func (r *run) reportMapFull() {
	if r.opts.NoWarnings {
		return
	}
	c := r.counters()
	var msgs []string
	for i, info := range r.plan.Maps {
		if i < len(c) && c[i] > 0 {
			msgs = append(msgs, fmt.Sprintf("WARNING: map %s was full: %d updates failed; raise max_map_keys (config or BPFTRACE_MAX_MAP_KEYS) or declare the map with a larger size", info.Name, c[i]))
		}
	}
	sort.Strings(msgs)
	for _, m := range msgs {
		fmt.Fprintln(r.stderr(), m)
	}
}

func (r *run) mapByName(name string) *plan.MapInfo {
	for _, m := range r.plan.Maps {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// explainLoadError turns a verifier rejection into the script position of
// the failing instruction and the verifier's last words.
func explainLoadError(err error, spec *plan.Spec, file string) error {
	var ve *ebpf.VerifierError
	if !errors.As(err, &ve) {
		// The verifier gives up on a loop it cannot bound with E2BIG (too
		// many instructions) or, on some kernels, EFAULT.
		if errors.Is(err, unix.E2BIG) || errors.Is(err, unix.EFAULT) {
			p := failedProgram(err, spec)
			if p != nil && len(p.Loops) > 0 {
				return unboundedLoop(p.Loops[0], "")
			}
			if p != nil && errors.Is(err, unix.EFAULT) {
				// EFAULT from BPF_PROG_LOAD is the verifier reporting a bug
				// of its own (6.17/6.18 have known ones), not the script's.
				return fmt.Errorf("probe %s: the kernel's verifier failed with an internal error (EFAULT), a bug of this kernel; dmesg may say more. Rewriting the probe's expressions can avoid it", p.Probe.Name)
			}
		}
		return err
	}
	// The reason is the last line that is not a state dump or statistics.
	reason := ""
	for i := len(ve.Log) - 1; i >= 0; i-- {
		l := strings.TrimSpace(ve.Log[i])
		switch {
		case l == "", strings.HasPrefix(l, "processed "), strings.HasPrefix(l, "verification time"),
			strings.HasPrefix(l, "stack depth"), strings.HasPrefix(l, "old state"), strings.HasPrefix(l, "cur state"),
			strings.HasPrefix(l, ";"), len(l) > 0 && l[0] >= '0' && l[0] <= '9' && strings.Contains(l, ": ("):
			continue
		}
		reason = l
		break
	}
	p := failedProgram(err, spec)
	if strings.Contains(reason, "infinite loop") || strings.Contains(reason, "too large") || strings.Contains(reason, "too complex") {
		if p != nil && len(p.Loops) > 0 {
			return unboundedLoop(p.Loops[0], reason)
		}
	}
	if src, ok := rejectedSource(p, ve.Log); ok {
		return fmt.Errorf("%s:%d:%d: the kernel's verifier rejected the program: %s", file, src.Pos.Line, src.Pos.Col, reason)
	}
	return fmt.Errorf("the kernel's verifier rejected the program: %s", reason)
}

// rejectedSource finds the statement of the instruction the verifier
// stopped at: the last instruction its log shows ("12: (85) call ..."),
// and the nearest source the compiler attached at or before it.
func rejectedSource(p *plan.Program, log []string) (plan.Source, bool) {
	if p == nil || p.Spec == nil {
		return plan.Source{}, false
	}
	at := -1
	for i := len(log) - 1; i >= 0 && at < 0; i-- {
		n, rest, ok := strings.Cut(strings.TrimSpace(log[i]), ": (")
		if !ok || rest == "" {
			continue
		}
		if v, err := strconv.Atoi(n); err == nil {
			at = v
		}
	}
	var found plan.Source
	ok := false
	iter := p.Spec.Instructions.Iterate()
	for iter.Next() && (at < 0 || int(iter.Offset) <= at) {
		if s, isSrc := iter.Ins.Source().(plan.Source); isSrc {
			found, ok = s, true
		}
	}
	return found, ok && at >= 0
}

// failedProgram finds the program a load error names ("program progN: ...",
// as load names them).
func failedProgram(err error, spec *plan.Spec) *plan.Program {
	msg := err.Error()
	i := strings.Index(msg, "program prog")
	if i < 0 {
		return nil
	}
	var n int
	if _, err := fmt.Sscanf(msg[i+len("program prog"):], "%d", &n); err != nil || n < 0 || n >= len(spec.Programs) {
		return nil
	}
	return spec.Programs[n]
}

// unboundedLoop words a verifier failure caused by a loop with a run-time
// bound, pointing at the loop.
func unboundedLoop(loop ast.Span, reason string) error {
	msg := "the kernel's verifier could not prove that this loop ends"
	if reason != "" {
		msg += " (" + reason + ")"
	}
	return diag.Errorf(loop, "%s", msg).
		WithHint("give it a constant bound as well, as in while ($i < $n && $i < 1000), or use unroll(N)")
}

// Child is a command started stopped, for -c.
type Child struct {
	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	resume *os.File
	onStop func(pid int)
	held   bool // onStop runs at exec and exit (hold.go)
}

// Pid returns the child's pid.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Done is closed when the child exits.
func (c *Child) Done() <-chan struct{} { return c.done }
