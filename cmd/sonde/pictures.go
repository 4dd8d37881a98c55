package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	lib "sonde"
	"sonde/picture"
	"sonde/picture/flame"
	"sonde/picture/report"
	"sonde/plan"
)

// checkPictures refuses --flamegraph for a script with nothing to draw,
// before anything is attached.
func checkPictures(opts *options, spec *plan.Spec) error {
	if opts.flamegraph == "" {
		return nil
	}
	for _, m := range spec.Plan.Maps {
		if picture.HasStack(m) {
			return nil
		}
	}
	return errors.New("--flamegraph: no map is keyed by a stack: key one with kstack or ustack, as in @[kstack] = count()")
}

// drawPictures writes the files of --flamegraph and --report at exit.
func drawPictures(opts *options, rec *picture.Recorder, prog *lib.Program, stderr io.Writer) error {
	spec := prog.Spec()
	var wrote []string
	if opts.flamegraph != "" {
		profiles := rec.Profiles()
		if len(profiles) == 0 {
			fmt.Fprintf(stderr, "sonde: --flamegraph: no stack map was printed; nothing drawn\n")
		}
		names := make([]string, len(profiles))
		for i, p := range profiles {
			names[i] = p.Name
		}
		for i, path := range picture.FlamegraphPaths(opts.flamegraph, names) {
			if err := writeFile(path, func(w io.Writer) error { return flame.WriteSVG(w, profiles[i], flame.Options{}) }); err != nil {
				return err
			}
			wrote = append(wrote, path)
		}
	}
	if opts.report != "" {
		probes := make([]string, len(spec.Plan.Probes))
		for i, p := range spec.Plan.Probes {
			probes[i] = p.Name
		}
		script := prog.Script()
		r := rec.BuildReport(picture.Facts{ScriptName: script.Name, Script: string(script.Source), Probes: probes})
		if err := writeFile(opts.report, func(w io.Writer) error { return report.Write(w, r) }); err != nil {
			return err
		}
		wrote = append(wrote, opts.report)
	}
	if !opts.quiet && len(wrote) > 0 {
		fmt.Fprintf(stderr, "Wrote %s\n", strings.Join(wrote, ", "))
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
