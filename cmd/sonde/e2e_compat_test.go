package main

import "testing"

// Enums the script defines: their names resolve as constants and values of
// their type print by name wherever a kernel enum would.
func TestE2EScriptEnums(t *testing.T) {
	runE2E(t, []e2eCase{
		{name: "names_in_printf_and_print",
			prog: `enum Color { RED, GREEN = 5, BLUE, }; BEGIN { printf("%d %s %s|%-6s|%6s|\n", GREEN, GREEN, BLUE, RED, BLUE); print(BLUE); }`,
			want: "5 GREEN BLUE|RED   |  BLUE|\nBLUE\n\n\n"},
		{name: "casts_known_and_unknown",
			prog: `enum Color { RED = 1, GREEN = 2 }; BEGIN { $n = 7; print((enum Color)2); print((enum Color)$n); }`,
			want: "GREEN\n7\n\n\n"},
		{name: "maps_tuples_and_arithmetic",
			prog: `enum { LOW = -1, MID, HIGH = 0x10 }; BEGIN { @k[MID] = HIGH; @t = (LOW, HIGH); @n[HIGH + 1] = LOW * 2; $v = MID; @v = $v; }`,
			want: "\n\n@k[MID]: HIGH\n@n[17]: -2\n@t: (LOW, HIGH)\n@v: MID\n"},
		{name: "an_enumerator_valued_by_another",
			prog: `enum Mode { READ = 4, WRITE = READ, EXEC }; BEGIN { printf("%d %s %d\n", WRITE, WRITE, EXEC); }`,
			want: "4 READ 5\n\n\n"},
	})
}
