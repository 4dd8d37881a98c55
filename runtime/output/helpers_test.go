package output

import "sonde/runtime/mapdata/mapdatatest"

var (
	le64 = mapdatatest.LE64
	le32 = mapdatatest.LE32
	cat  = mapdatatest.Cat
	cstr = mapdatatest.CStr
)
