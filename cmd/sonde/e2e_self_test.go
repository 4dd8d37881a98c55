package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// self:signal:SIGUSR1 probes run each time sonde receives SIGUSR1.
func TestE2ESelfSignal(t *testing.T) {
	needRoot(t)
	cmd := exec.Command(sondeBinary(t), "-e",
		`self:signal:SIGUSR1 { printf("usr1 %d\n", @n); @n++; } interval:s:3 { exit(); }`)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(errPipe).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "Attached") {
		t.Fatalf("no banner: %q %v", line, err)
	}
	for i := 0; i < 3; i++ {
		cmd.Process.Signal(syscall.SIGUSR1)
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v; stdout %q", err, stdout.String())
	}
	if want := "usr1 0\nusr1 1\nusr1 2\n\n\n@n: 3\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
}
