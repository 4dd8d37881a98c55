package usym

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Expected strings are what libstdc++'s abi::__cxa_demangle prints.
var demangleTests = []struct{ mangled, want string }{
	{"_ZN5sonde12_GLOBAL__N_16hiddenEi", "sonde::(anonymous namespace)::hidden(int)"},
	{"_ZN5sonde5totalERKSt6vectorINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESaIS6_EEm", "sonde::total(std::vector<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, std::allocator<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > > > const&, unsigned long)"},
	{"_ZN5sonde5twiceIdEET_S1_", "double sonde::twice<double>(double)"},
	{"_ZN5sonde6Widget3setEiPKc", "sonde::Widget::set(int, char const*)"},
	{"_ZN5sonde6WidgetC2Ei", "sonde::Widget::Widget(int)"},
	{"_ZN5sonde6WidgetD1Ev", "sonde::Widget::~Widget()"},
	{"_ZN5sonde6WidgetpLERKS0_", "sonde::Widget::operator+=(sonde::Widget const&)"},
	{"_ZNK5sonde6Widget3getEv", "sonde::Widget::get() const"},
	{"_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()(int) const"},
	{"_ZNSsC1Ev", "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string()"},
	{"_ZNKSs4sizeEv", "std::string::size() const"},
	{"_ZStlsIcSt11char_traitsIcEERSt13basic_ostreamIT_T0_ES6_PKc", "std::basic_ostream<char, std::char_traits<char> >& std::operator<< <char, std::char_traits<char> >(std::basic_ostream<char, std::char_traits<char> >&, char const*)"},
	{"_ZN9__gnu_cxx9free_list6_M_getEm", "__gnu_cxx::free_list::_M_get(unsigned long)"},
	{"_ZThn16_N5sonde6WidgetD1Ev", "non-virtual thunk to sonde::Widget::~Widget()"},
	{"_Z3fooPFviE", "foo(void (*)(int))"},
	{"_Z3fooA8_i", "foo(int [8])"},
	{"_Z4funcv.cold", "func() [clone .cold]"},
	{"_Z4funcv.isra.0.constprop.1", "func() [clone .isra.0] [clone .constprop.1]"},
	{"_Znwm", "operator new(unsigned long)"},
	{"main", ""},
	{"_Z", ""},
	{"_ZN3foo", ""},
}

func TestDemangle(t *testing.T) {
	for _, tc := range demangleTests {
		if got := Demangle(tc.mangled); got != tc.want {
			t.Errorf("Demangle(%s)\n got %q\nwant %q", tc.mangled, got, tc.want)
		}
	}
	for s, want := range map[string][]string{
		"int ns::f<int>(int) const":                                 {"int ns::f<int>(int) const", "int ns::f<int>", "ns::f<int>"},
		"ns::C::operator()(int) const":                              {"ns::C::operator()(int) const", "ns::C::operator()"},
		"ns::operator new(unsigned long)":                           {"ns::operator new(unsigned long)", "ns::operator new"},
		"std::ostream& std::operator<< <char>(std::ostream&, char)": {"std::ostream& std::operator<< <char>(std::ostream&, char)", "std::ostream& std::operator<< <char>", "std::operator<< <char>"},
	} {
		if got := cppNames(s); !reflect.DeepEqual(got, want) {
			t.Errorf("cppNames(%q) = %q", s, got)
		}
	}
}

// Every C++ symbol of libstdc++ demangles as the C++ runtime's own
// abi::__cxa_demangle does, or not at all.
func TestDemangleLibstdcxx(t *testing.T) {
	lib, err := ResolveBinary("libstdc++", 0)
	if err != nil {
		t.Skip("libstdc++ not installed")
	}
	if _, err := exec.LookPath("c++"); err != nil {
		t.Skip("no C++ compiler to build the reference demangler")
	}
	ref := filepath.Join(t.TempDir(), "cxa")
	if out, err := exec.Command("c++", "-O1", "-o", ref, filepath.Join("testdata", "cxa.cc")).CombinedOutput(); err != nil {
		t.Fatalf("building reference demangler: %v\n%s", err, out)
	}
	f, err := Open(lib)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range f.Symbols() {
		if strings.HasPrefix(s.Name, "_Z") && !strings.Contains(s.Name, "@") {
			names = append(names, s.Name)
		}
	}
	cmd := exec.Command(ref)
	cmd.Stdin = strings.NewReader(strings.Join(names, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(string(bytes.TrimSuffix(out, []byte("\n"))), "\n")
	undecoded, wrong := 0, 0
	for i, n := range names {
		switch got := Demangle(n); {
		case got == want[i]:
		case got == "":
			undecoded++
		default:
			if wrong++; wrong <= 5 {
				t.Errorf("Demangle(%s)\n got %q\nwant %q", n, got, want[i])
			}
		}
	}
	if undecoded > len(names)/100 {
		t.Errorf("%d of %d names not decoded", undecoded, len(names))
	}
	t.Logf("%d names: %d decoded as __cxa_demangle does, %d not decoded, %d differ", len(names), len(names)-undecoded-wrong, undecoded, wrong)
}

func TestCPPSymbols(t *testing.T) {
	if _, err := exec.LookPath("c++"); err != nil {
		t.Skip("no C++ compiler")
	}
	bin := filepath.Join(t.TempDir(), "cpp")
	if out, err := exec.Command("c++", "-O0", "-o", bin, filepath.Join("testdata", "cpp.cc")).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f, err := Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range f.Match("sonde::Widget::*") {
		got = append(got, s.Demangled)
	}
	want := []string{
		"sonde::Widget::Widget(int)", "sonde::Widget::Widget(int)", // C1, C2
		"sonde::Widget::~Widget()", "sonde::Widget::~Widget()",
		"sonde::Widget::operator+=(sonde::Widget const&)",
		"sonde::Widget::set(int, char const*)",
		"sonde::Widget::get() const",
	}
	if !sameSet(got, want) {
		t.Errorf("Match(sonde::Widget::*) = %q", got)
	}
	for name, mangled := range map[string]string{
		"sonde::Widget::get":                   "_ZNK5sonde6Widget3getEv",
		"sonde::Widget::get() const":           "_ZNK5sonde6Widget3getEv",
		"sonde::twice<int>":                    "_ZN5sonde5twiceIiEET_S1_",
		"sonde::(anonymous namespace)::hidden": "_ZN5sonde12_GLOBAL__N_16hiddenEi",
	} {
		if s, err := f.Lookup(name); err != nil || s.Name != mangled {
			t.Errorf("Lookup(%q) = %q, %v; want %s", name, s.Name, err, mangled)
		}
	}
	if n := len(f.Match("sonde::twice*")); n != 2 {
		t.Errorf("sonde::twice* matched %d", n)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
