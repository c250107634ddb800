package petrel

/*
#include "petrel.h"
*/
import "C"

import (
	"runtime"
	"sync"
)

// WasiConfig configures a WASI program: arguments, environment, standard
// streams and preopened directories. Defaults: no arguments, no
// environment, empty standard input, output and error discarded, no
// preopened directory. Give it to a store with Store.SetWasi (which takes
// it), or Close it.
type WasiConfig struct {
	mu  sync.Mutex
	ptr *C.petrel_wasi_config_t
}

// NewWasiConfig creates a WASI configuration with the defaults.
func NewWasiConfig() *WasiConfig {
	ptr, err := cWasiConfigNew()
	if err != nil {
		panic(err)
	}
	c := &WasiConfig{ptr: ptr}
	runtime.SetFinalizer(c, (*WasiConfig).Close)
	return c
}

// Close frees the configuration (closing the files it opened).
func (c *WasiConfig) Close() {
	if p := c.take(); p != nil {
		cWasiConfigDelete(p)
	}
}

// take hands the C configuration over (to Store.SetWasi or Close).
func (c *WasiConfig) take() *C.petrel_wasi_config_t {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.ptr
	c.ptr = nil
	runtime.SetFinalizer(c, nil)
	return p
}

func (c *WasiConfig) with(f func(*C.petrel_wasi_config_t) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return errClosed("WASI configuration")
	}
	return f(c.ptr)
}

// SetArgv sets the program's arguments (argv[0] is conventionally its name).
func (c *WasiConfig) SetArgv(argv []string) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetArgv(p, argv) })
}

// InheritArgv gives the program the host process's arguments.
func (c *WasiConfig) InheritArgv() error { return c.with(cWasiConfigInheritArgv) }

// SetEnv sets the program's environment: keys[i]=values[i].
func (c *WasiConfig) SetEnv(keys, values []string) error {
	if len(keys) != len(values) {
		return &Error{message: "petrel: SetEnv needs as many values as keys"}
	}
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetEnv(p, keys, values) })
}

// InheritEnv gives the program the host process's environment.
func (c *WasiConfig) InheritEnv() error { return c.with(cWasiConfigInheritEnv) }

// SetStdinBytes makes standard input yield data, then end of file.
func (c *WasiConfig) SetStdinBytes(data []byte) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStdinBytes(p, data) })
}

// SetStdinFile makes standard input read the host file path.
func (c *WasiConfig) SetStdinFile(path string) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStdinFile(p, path) })
}

// InheritStdin makes standard input read the host process's.
func (c *WasiConfig) InheritStdin() error { return c.with(cWasiConfigInheritStdin) }

// SetStdoutFile sends standard output to the host file path (truncated).
func (c *WasiConfig) SetStdoutFile(path string) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStdoutFile(p, path) })
}

// InheritStdout sends standard output to the host process's.
func (c *WasiConfig) InheritStdout() error { return c.with(cWasiConfigInheritStdout) }

// SetStdoutCapture captures standard output in memory, at most capacity
// bytes; read it with Store.WasiStdout.
func (c *WasiConfig) SetStdoutCapture(capacity int) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStdoutCapture(p, uint(capacity)) })
}

// SetStderrFile sends standard error to the host file path (truncated).
func (c *WasiConfig) SetStderrFile(path string) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStderrFile(p, path) })
}

// InheritStderr sends standard error to the host process's.
func (c *WasiConfig) InheritStderr() error { return c.with(cWasiConfigInheritStderr) }

// SetStderrCapture captures standard error in memory, at most capacity
// bytes; read it with Store.WasiStderr.
func (c *WasiConfig) SetStderrCapture(capacity int) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigSetStderrCapture(p, uint(capacity)) })
}

// PreopenDir gives the program the host directory hostPath as guestPath;
// paths opened through it cannot leave it.
func (c *WasiConfig) PreopenDir(hostPath, guestPath string) error {
	return c.with(func(p *C.petrel_wasi_config_t) error { return cWasiConfigPreopenDir(p, hostPath, guestPath) })
}
