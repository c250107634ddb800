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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* On x86-64 the compiler's own setjmp saves three words (frame pointer,
 * stack pointer, resume address); the registers the caller expects kept
 * are saved by petrel_setjmp_call's prologue, since the compiler treats
 * __builtin_setjmp as clobbering them. That is several times cheaper per
 * call than sigsetjmp (which also mangles pointers and goes through the
 * PLT), and is entered on every call into wasm. __builtin_longjmp must be
 * called from another function than the one that set the buffer: it is,
 * petrel_longjmp. */
typedef void *petrel_jmp_buf[5];

int petrel_setjmp_call(void (*body)(void *), void *payload, void **jmp_buf_out) {
    petrel_jmp_buf buf;
    if (__builtin_setjmp(buf) != 0) {
        return 0;
    }
    *jmp_buf_out = (void *)&buf;
    body(payload);
    return 1;
}

void petrel_longjmp(void *buf) {
    __builtin_longjmp(*(petrel_jmp_buf *)buf, 1);
}
#else
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
#endif

/* Makes freshly written machine code visible to instruction fetch. A no-op
 * on x86_64; required on aarch64. */
void petrel_flush_icache(void *start, size_t len) {
    char *s = (char *)start;
    __builtin___clear_cache(s, s + len);
}
