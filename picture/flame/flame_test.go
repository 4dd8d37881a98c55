package flame

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func st(count uint64, frames ...string) Stack {
	s := Stack{Count: count}
	for _, f := range frames {
		k := User
		if name, ok := strings.CutPrefix(f, "k:"); ok {
			f, k = name, Kernel
		}
		s.Frames = append(s.Frames, Frame{Name: f, Kind: k})
	}
	return s
}

// The grammars of the folded format's consumers: flamegraph.pl and
// speedscope match a line with these expressions; inferno splits at the
// last space and parses an unsigned count.
var (
	flamegraphPL = regexp.MustCompile(`^(.*)\s+?(\d+(?:\.\d*)?)$`)
	speedscope   = regexp.MustCompile(`^(.*) (\d+)$`)
)

// parseFolded reads folded lines as all three consumers must agree on
// them, failing on any line one of them would reject.
func parseFolded(t *testing.T, text string) map[string]uint64 {
	t.Helper()
	got := map[string]uint64{}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		m1, m2 := flamegraphPL.FindStringSubmatch(line), speedscope.FindStringSubmatch(line)
		sp := strings.LastIndexByte(line, ' ')
		if m1 == nil || m2 == nil || sp <= 0 {
			t.Fatalf("line %d %q: not folded", i+1, line)
		}
		n, err := strconv.ParseUint(line[sp+1:], 10, 64)
		if err != nil || m1[1] != m2[1] || m2[1] != line[:sp] || m2[2] != line[sp+1:] {
			t.Fatalf("line %d %q: the consumers disagree: %q %q %q", i+1, line, m1, m2, line[:sp])
		}
		for _, f := range strings.Split(line[:sp], ";") {
			if f == "" {
				t.Fatalf("line %d %q: empty frame", i+1, line)
			}
		}
		if _, dup := got[line[:sp]]; dup {
			t.Fatalf("line %d: stack %q twice", i+1, line[:sp])
		}
		got[line[:sp]] = n
	}
	return got
}

func TestFolded(t *testing.T) {
	stacks := []Stack{
		st(3, "main", "work", "k:sys_write"),
		st(2, "main", "idle"),
		st(4, "main", "work", "k:sys_write"), // same names: merged
		st(0, "main", "never"),               // no count: no line
		st(1, "a;b", "c\nd", ""),             // names that would break the grammar
	}
	var b bytes.Buffer
	if err := WriteFolded(&b, stacks); err != nil {
		t.Fatal(err)
	}
	want := "a:b;c d;[unknown] 1\nmain;idle 2\nmain;work;sys_write 7\n"
	if b.String() != want {
		t.Errorf("folded:\n%s\nwant:\n%s", b.String(), want)
	}
	got := parseFolded(t, b.String())
	if got["main;work;sys_write"] != 7 || len(got) != 3 {
		t.Errorf("parsed %v", got)
	}
}

func TestTree(t *testing.T) {
	tr := buildTree([]Stack{st(3, "main", "b"), st(2, "main", "a"), st(1, "k:main"), st(4, "other")}, false)
	if tr.total != 10 || tr.depth != 2 {
		t.Fatalf("total %d depth %d", tr.total, tr.depth)
	}
	var dump func(n int32, d int) string
	dump = func(n int32, d int) string {
		nd := tr.nodes[n]
		s := fmt.Sprintf("%s%s/%d=%d\n", strings.Repeat(" ", d), tr.names[nd.name], nd.kind, nd.value)
		for _, c := range nd.children {
			s += dump(c, d+1)
		}
		return s
	}
	want := "all/2=10\n main/0=5\n  a/0=2\n  b/0=3\n main/1=1\n other/0=4\n"
	if got := dump(0, 0); got != want {
		t.Errorf("tree:\n%s\nwant:\n%s", got, want)
	}
}

type svgDoc struct {
	Frames []struct {
		Class string `xml:"class,attr"`
		S     uint64 `xml:"data-s,attr"`
		V     uint64 `xml:"data-v,attr"`
		Kind  string `xml:"data-k,attr"`
		Title string `xml:"title"`
		Rect  struct {
			X     float64 `xml:"x,attr"`
			Width float64 `xml:"width,attr"`
			Fill  string  `xml:"fill,attr"`
		} `xml:"rect"`
	} `xml:"g>g"`
	Scripts []string `xml:"script"`
}

func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("SVG is not well-formed XML: %v", err)
	}
	return doc
}

func TestSVG(t *testing.T) {
	p := &Profile{Name: "@", Stacks: []Stack{
		st(60, "main", "work", "k:vfs_write"),
		st(30, "main", "idle"),
		st(10, "main", `<&"quoted">`),
	}}
	var b bytes.Buffer
	if err := WriteSVG(&b, p, Options{}); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, b.Bytes())
	if len(doc.Scripts) != 1 {
		t.Errorf("%d scripts, want 1", len(doc.Scripts))
	}
	titles := map[string]float64{}
	for _, f := range doc.Frames {
		titles[f.Title] = f.Rect.Width
	}
	for _, want := range []string{
		"all (100 samples, 100.00%)", "main (100 samples, 100.00%)", "work (60 samples, 60.00%)",
		"vfs_write (60 samples, 60.00%)", "idle (30 samples, 30.00%)", `<&"quoted"> (10 samples, 10.00%)`,
	} {
		if _, ok := titles[want]; !ok {
			t.Errorf("no frame %q in %v", want, titles)
		}
	}
	if w := titles["work (60 samples, 60.00%)"]; w < 707 || w > 709 {
		t.Errorf("work is %.1f px wide, want 60%% of 1180", w)
	}
	for _, f := range doc.Frames {
		if strings.HasPrefix(f.Title, "vfs_write") && f.Kind != "k" || strings.HasPrefix(f.Title, "work") && f.Kind != "u" {
			t.Errorf("frame %q has kind %q", f.Title, f.Kind)
		}
	}
	if bytes.Contains(b.Bytes(), []byte("http://")) && bytes.Count(b.Bytes(), []byte("http://")) != 1 {
		t.Error("the SVG refers to something besides its namespace")
	}
}

// Frames too narrow to see are merged, one frame per parent.
func TestSVGMergesNarrowFrames(t *testing.T) {
	stacks := []Stack{st(100000, "main", "big")}
	for i := range 500 {
		stacks = append(stacks, st(1, "main", fmt.Sprintf("tiny%03d", i), "deeper"))
	}
	var b bytes.Buffer
	if err := WriteSVG(&b, &Profile{Name: "@", Stacks: stacks}, Options{}); err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, b.Bytes())
	var merged int
	for _, f := range doc.Frames {
		if strings.HasPrefix(f.Title, "tiny") || strings.HasPrefix(f.Title, "deeper") {
			t.Errorf("narrow frame %q drawn", f.Title)
		}
		if strings.Contains(f.Class, "sf-merged") {
			merged++
			if !strings.HasPrefix(f.Title, "500 narrow frames (500 samples") || f.Rect.Width < 1 {
				t.Errorf("merged frame %q, %.1f px", f.Title, f.Rect.Width)
			}
		}
	}
	if merged != 1 || len(doc.Frames) != 4 {
		t.Errorf("%d frames, %d merged; want all, main, big and one merged", len(doc.Frames), merged)
	}
}

func TestSVGEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSVG(&b, &Profile{Name: "@"}, Options{}); err != nil {
		t.Fatal(err)
	}
	parseSVG(t, b.Bytes())
	if !bytes.Contains(b.Bytes(), []byte("no samples")) {
		t.Error("an empty profile does not say so")
	}
}

func TestFitLabel(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    float64
		want string
	}{
		{"vfs_write", 200, "vfs_write"},
		{"vfs_write", 50, "vfs_.."},
		{"vfs_write", 20, ""},
	} {
		if got := fitLabel(tc.name, tc.w); got != tc.want {
			t.Errorf("fitLabel(%q, %v) = %q, want %q", tc.name, tc.w, got, tc.want)
		}
	}
}
