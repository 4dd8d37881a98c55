// Package attach connects loaded BPF programs to their probes: one small
// provider per probe type, a concurrent teardown, and feature probes that
// explain in plain words why a probe type cannot work on this kernel.
package attach

import (
	"sonde/plan"

	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cilium/ebpf"

	"sonde/provider"
)

// Link is an attached probe. Closing it detaches the program; for per-CPU
// perf events it owns one event (and link) per CPU.
type Link interface {
	Close() error
}

// Attach attaches prog, already loaded by the caller, to the probe p, by
// the mechanism its provider names. Errors name the probe:
// `attach tracepoint:syscalls:sys_enter_nope: ...`.
func Attach(p plan.Probe, prog *ebpf.Program) (Link, error) {
	if prog == nil {
		return nil, fmt.Errorf("attach %s: no program", probeName(p))
	}
	d := provider.Get(p.Provider)
	if d == nil || !d.Runs() {
		return nil, fmt.Errorf("attach %s: unknown probe type %q", probeName(p), p.Provider)
	}
	if d.Special() {
		return nil, fmt.Errorf("attach %s: %s probes are not attached: run them with BPF_PROG_TEST_RUN", probeName(p), p.Provider)
	}
	l, err := mechanisms[d.Mech].attach(p, prog)
	if err != nil {
		// When the whole probe type is missing here, that explains more
		// than whatever the attach syscall said.
		var nse *NotSupportedError
		if serr := Supported(p.Provider); errors.As(serr, &nse) {
			err = serr
		}
		return nil, fmt.Errorf("attach %s: %w", probeName(p), err)
	}
	return l, nil
}

// A mechanism attaches the probes of every provider that names it
// (provider.Mechanism) and checks that the kernel has it. Detaching is the
// returned Link's job: see Detach for the links whose teardown is slow.
type mechanism struct {
	attach func(p plan.Probe, prog *ebpf.Program) (Link, error) // nil: not attached (MechTestRun)
	check  func(d *provider.Provider) error
}

// mechanisms is filled in init: a kprobe attach asks Supported, which
// reads the table.
var mechanisms map[provider.Mechanism]mechanism

func init() {
	mechanisms = map[provider.Mechanism]mechanism{
		provider.MechTestRun:       {check: checkTestRun},
		provider.MechTracepoint:    {attachTracepoint, checkTracepoint},
		provider.MechRawTracepoint: {attachRawTracepoint, checkRawTracepoint},
		provider.MechKprobe:        {attachKprobe, checkKprobe},
		provider.MechTracing:       {attachTracing, checkFentry},
		provider.MechUprobe:        {attachUprobe, checkUprobe},
		provider.MechPerf:          {attachPerf, checkPerf},
		provider.MechIter:          {attachIter, checkIter},
	}
}

// probeName is the probe's full name, or a reconstruction for hand-made
// probes that lack one.
func probeName(p plan.Probe) string {
	if p.Name != "" {
		return p.Name
	}
	switch {
	case p.Group != "":
		return p.Provider + ":" + p.Group + ":" + p.Event
	case p.Binary != "":
		return p.Provider + ":" + p.Binary + ":" + p.Symbol
	case p.Event != "":
		return p.Provider + ":" + p.Event
	}
	return p.Provider
}

// closeParallelism bounds concurrent closes: enough to overlap the kernel's
// slow tracepoint teardown (an RCU grace period each), few enough not to
// flood the machine.
const closeParallelism = 16

// Detach detaches the programs of links concurrently and closes what it
// can close cheaply. For tracepoints, uprobes and kprobes it returns their
// perf events, still
// open but without a program: destroying them is the slow part of closing
// a tracepoint, and no event reaches a program once Detach returns. The
// caller closes them (CloseFiles) or hands them to a process that will.
func Detach(links []Link) (events []*os.File, err error) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, closeParallelism)
	)
	for _, l := range flatten(links) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var f *os.File
			var err error
			if tl, ok := l.(*slowPerfLink); ok {
				f, err = tl.detachProgram()
			} else {
				err = l.Close()
			}
			mu.Lock()
			if err != nil {
				errs = append(errs, err)
			}
			if f != nil {
				events = append(events, f)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return events, errors.Join(errs...)
}

// flatten drops nil links and opens up the one-link-per-function groups
// of kprobe wildcards, so each member is detached like a single link.
func flatten(links []Link) []Link {
	out := make([]Link, 0, len(links))
	for _, l := range links {
		switch l := l.(type) {
		case nil:
		case multiLink:
			out = append(out, flatten(l)...)
		default:
			out = append(out, l)
		}
	}
	return out
}

// CloseFiles closes files concurrently, as CloseAll closes links.
func CloseFiles(files []*os.File) error {
	links := make([]Link, 0, len(files))
	for _, f := range files {
		if f != nil {
			links = append(links, f)
		}
	}
	return CloseAll(links)
}

// CloseAll closes links concurrently and returns their errors joined. Nil
// entries are skipped. Closing a syscall tracepoint costs 30–90 ms, so ten
// of them one after another take most of a second.
func CloseAll(links []Link) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, closeParallelism)
	)
	for _, l := range links {
		if l == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := l.Close(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
