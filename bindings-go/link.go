//go:build !petrel_custom_link

package petrel

// How the binding finds the C API: the header in the checkout's
// capi/include, and the static library that `cargo build --release -p
// petrel-capi` writes to the checkout's target/release (the default
// CARGO_TARGET_DIR). Build with `-tags petrel_custom_link` and set
// CGO_CFLAGS/CGO_LDFLAGS to link a library built elsewhere (see README.md).

/*
#cgo CFLAGS: -I${SRCDIR}/../capi/include
#cgo LDFLAGS: ${SRCDIR}/../target/release/libpetrel_capi.a -lm -ldl -lpthread -lrt -lgcc_s -lc
*/
import "C"
