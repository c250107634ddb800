/*
 * Trap entry helpers for Petrel (see traphandler.rs).
 *
 * Rust cannot call setjmp soundly (it returns twice), so the setjmp lives
 * here: petrel_setjmp_call sets up a jump buffer on its own stack frame,
 * publishes its address, and calls the body. When a trap is caught the Rust
 * side calls petrel_longjmp with that buffer and petrel_setjmp_call returns 0.
 */

/* The fortified __longjmp_chk rejects jumps made from an alternate signal
 * stack in some configurations; our jumps are always to a live outer frame. */
#undef _FORTIFY_SOURCE

#include <setjmp.h>
#include <stddef.h>

int petrel_setjmp_call(void (*body)(void *), void *payload, void **jmp_buf_out) {
    sigjmp_buf buf;
    if (sigsetjmp(buf, 0) != 0) {
        return 0;
    }
    *jmp_buf_out = (void *)&buf;
    body(payload);
    return 1;
}

void petrel_longjmp(void *buf) {
    siglongjmp(*(sigjmp_buf *)buf, 1);
}

/* Makes freshly written machine code visible to instruction fetch. A no-op
 * on x86_64; required on aarch64. */
void petrel_flush_icache(void *start, size_t len) {
    char *s = (char *)start;
    __builtin___clear_cache(s, s + len);
}
