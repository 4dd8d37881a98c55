package report

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sonde/internal/browser"
	"sonde/picture/flame"
)

func sample() *Report {
	return &Report{
		ScriptName: "stdin",
		Script:     "profile:hz:99 { @[kstack] = count(); }\ntp:syscalls:sys_exit_read { @bytes = hist(args.ret); @n[comm] = count(); }",
		Probes:     []string{"profile:hz:99", "tracepoint:syscalls:sys_exit_read"},
		Started:    time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC),
		Duration:   5 * time.Second,
		Lost:       3,
		Warnings:   []string{"map @n was full: 2 updates failed"},
		Maps: []Map{
			{Name: "@", Kind: "count", Flame: &flame.Profile{Name: "@", Stacks: []flame.Stack{
				{Count: 30, Frames: []flame.Frame{{Name: "entry", Kind: flame.Kernel}, {Name: "do_idle", Kind: flame.Kernel}}},
				{Count: 10, Frames: []flame.Frame{{Name: "entry", Kind: flame.Kernel}, {Name: "vfs_read", Kind: flame.Kernel}}},
			}}},
			{Name: "@bytes", Kind: "hist", Hists: []Hist{{Buckets: []Bucket{
				{"[0]", 5}, {"[1]", 0}, {"[2, 4)", 20}, {"[4, 8)", 80}, {"[8, 16)", 40}, {"[1K, 2K)", 1}}}}},
			{Name: "@n", Kind: "count", Table: &Table{
				Columns: []Column{{Name: "comm"}, {Name: "count", Numeric: true}},
				Rows: [][]Cell{
					{{Text: "bash"}, {Text: "9", Num: 9}},
					{{Text: "<sshd>"}, {Text: "100", Num: 100}},
					{{Text: "cat"}, {Text: "20", Num: 20}},
				}}},
			{Name: "@rate", Kind: "tseries", Series: []Series{{Points: []Point{
				{0, 3}, {time.Second, 10}, {2 * time.Second, 7}, {3 * time.Second, 12}, {4 * time.Second, 2}}}}},
			{Name: "@gone", Kind: "count"},
		},
	}
}

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sample()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{
		"Content-Security-Policy", "&lt;sshd&gt;", "[4, 8)", "[1K, 2K)", `class="sonde-flame"`,
		"vfs_read", "profile:hz:99", "map @n was full", `<td class="num" data-v="100">100</td>`, ">empty<",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"<link", " src=", "@import", "url(http", "<sshd>"} {
		if strings.Contains(s, bad) {
			t.Errorf("report has %q", bad)
		}
	}
}

func TestTableNote(t *testing.T) {
	var b bytes.Buffer
	r := &Report{Maps: []Map{{Name: "@", Table: &Table{Columns: []Column{{Name: "key"}}, Rows: [][]Cell{{{Text: "a"}}}, Total: 5000}}}}
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "The largest 1 of 5,000 entries.") {
		t.Error("a cut table does not say so")
	}
}

func TestReportInBrowser(t *testing.T) {
	b := browser.Open(t, 1300, 900)
	dir := browser.ArtifactDir(t)
	path := filepath.Join(dir, "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, sample()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	t.Logf("report: %s", path)
	b.Load(t, path)
	CheckPage(t, b, path, map[string]int{"@bytes": 6})
	browser.SavePNG(t, dir, "report.png", b.Screenshot(t), 50)

	// The table sorts by a click on its heading: counts largest first.
	b.ClickOn(t, "#map-2 th.num")
	var order []string
	b.Eval(t, `Array.from(document.querySelectorAll("#map-2 tbody tr td:first-child")).map(td => td.textContent)`, &order)
	if strings.Join(order, ",") != "<sshd>,cat,bash" {
		t.Errorf("sorted by count: %v", order)
	}
	b.Eval(t, `window.scrollTo(0, 0)`, new(any))
	fs := b.Frames(t)
	root, _ := browser.Find(fs, 0, "all")
	idle, ok := browser.Find(fs, 0, "do_idle")
	if !ok || math.Abs(idle.W/root.W-0.75) > 0.01 {
		t.Errorf("do_idle is %.2f of the flame graph, want 0.75", idle.W/root.W)
	}
	b.Click(t, idle.X+idle.W/2, idle.Y+idle.H/2)
	if z, _ := browser.Find(b.Frames(t), 0, "do_idle"); math.Abs(z.W-root.W) > 1 {
		t.Errorf("clicking do_idle in the report left it %.1f px wide", z.W)
	}
	b.NoErrors(t, path)
}
