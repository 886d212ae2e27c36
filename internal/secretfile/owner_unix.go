//go:build unix

package secretfile

import (
	"io/fs"
	"os"
	"syscall"
)

const syscallNoFollow = syscall.O_NOFOLLOW

func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
