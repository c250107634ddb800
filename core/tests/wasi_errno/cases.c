/*
 * The error paths of WASI preview 1's `path_*` and `fd_*` functions, one
 * case a line: `NAME ERRNO` (the errno as a number). Built for
 * wasm32-wasi with clang and wasi-libc by `core/tests/wasi_errno.rs`
 * (and by `petrel-bench --wasi-errno`, which runs it under Wasmtime and
 * Petrel side by side); `expected.txt` next to this file is the table the
 * output must match.
 *
 * Run with a preopened directory as descriptor 3 that is empty, and
 * whose parent holds a file `outside`. The program builds its fixture
 * there first, with the raw WASI calls, so that both runtimes start from
 * the same tree.
 *
 * Not here: flag or enum values outside their type (unknown `oflags`
 * bits, `whence` 7, `advice` 9). Wasmtime traps on those (its generated
 * bindings reject the value before the function runs); Petrel returns
 * EINVAL, as `core/tests/wasi.rs` checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define ROOT 3
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define ALL_RIGHTS ((__wasi_rights_t)0x3FFFFFFF)
#define READ_RIGHTS (ALL_RIGHTS & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE))
#define WRITE_ONLY_RIGHTS (ALL_RIGHTS & ~(__wasi_rights_t)(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR))

static void report(const char *name, __wasi_errno_t e) {
    printf("%s %u\n", name, (unsigned)e);
}

static void must(const char *what, __wasi_errno_t e) {
    if (e != 0) {
        fprintf(stderr, "fixture: %s failed with errno %u\n", what, (unsigned)e);
        exit(1);
    }
}

/* path_open; the new descriptor is closed again. */
static __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path,
                              __wasi_oflags_t oflags, __wasi_rights_t rights,
                              __wasi_fdflags_t fdflags) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(dir, lookup, path, oflags, rights, rights, fdflags, &fd);
    if (e == 0) {
        must("close", __wasi_fd_close(fd));
    }
    return e;
}

/* path_open that keeps the descriptor. */
static __wasi_fd_t open_keep(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights) {
    __wasi_fd_t fd;
    must(path, __wasi_path_open(ROOT, FOLLOW, path, oflags, rights, rights, 0, &fd));
    return fd;
}

static void write_file(const char *path, const char *text) {
    __wasi_fd_t fd = open_keep(path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS);
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    __wasi_size_t n;
    must("write", __wasi_fd_write(fd, &iov, 1, &n));
    must("close", __wasi_fd_close(fd));
}

static void fixture(void) {
    must("mkdir dir", __wasi_path_create_directory(ROOT, "dir"));
    write_file("dir/inner", "x");
    must("mkdir empty", __wasi_path_create_directory(ROOT, "empty"));
    must("mkdir full", __wasi_path_create_directory(ROOT, "full"));
    write_file("full/f", "f");
    write_file("file", "hello");
    write_file("victim", "v"); /* for cases that may succeed and move it */
    must("link_file", __wasi_path_symlink("file", ROOT, "link_file"));
    must("link_dir", __wasi_path_symlink("dir", ROOT, "link_dir"));
    must("dangling", __wasi_path_symlink("missing", ROOT, "dangling"));
    must("loop1", __wasi_path_symlink("loop2", ROOT, "loop1"));
    must("loop2", __wasi_path_symlink("loop1", ROOT, "loop2"));
    must("self", __wasi_path_symlink("self", ROOT, "self"));
    must("escape", __wasi_path_symlink("../outside", ROOT, "escape"));
    must("escape_dir", __wasi_path_symlink("..", ROOT, "escape_dir"));
    must("inner_escape", __wasi_path_symlink("../../outside", ROOT, "dir/up"));
}

static char long_name[300];

static void path_open_cases(void) {
    report("path_open.missing", open_at(ROOT, FOLLOW, "missing", 0, READ_RIGHTS, 0));
    report("path_open.missing_parent", open_at(ROOT, FOLLOW, "missing/x", 0, READ_RIGHTS, 0));
    report("path_open.file_as_parent", open_at(ROOT, FOLLOW, "file/x", 0, READ_RIGHTS, 0));
    report("path_open.file_trailing_slash", open_at(ROOT, FOLLOW, "file/", 0, READ_RIGHTS, 0));
    report("path_open.dir_trailing_slash", open_at(ROOT, FOLLOW, "dir/", 0, READ_RIGHTS, 0));
    report("path_open.dotdot_at_root", open_at(ROOT, FOLLOW, "..", 0, READ_RIGHTS, 0));
    report("path_open.dotdot_file_outside", open_at(ROOT, FOLLOW, "../outside", 0, READ_RIGHTS, 0));
    report("path_open.dotdot_via_dir", open_at(ROOT, FOLLOW, "dir/../../outside", 0, READ_RIGHTS, 0));
    report("path_open.dir_dotdot", open_at(ROOT, FOLLOW, "dir/..", 0, READ_RIGHTS, 0));
    report("path_open.dot", open_at(ROOT, FOLLOW, ".", 0, READ_RIGHTS, 0));
    report("path_open.dot_slash_file", open_at(ROOT, FOLLOW, "./file", 0, READ_RIGHTS, 0));
    report("path_open.absolute", open_at(ROOT, FOLLOW, "/etc/passwd", 0, READ_RIGHTS, 0));
    report("path_open.root_slash", open_at(ROOT, FOLLOW, "/", 0, READ_RIGHTS, 0));
    report("path_open.empty", open_at(ROOT, FOLLOW, "", 0, READ_RIGHTS, 0));
    report("path_open.long_name", open_at(ROOT, FOLLOW, long_name, 0, READ_RIGHTS, 0));
    report("path_open.escape_link_follow", open_at(ROOT, FOLLOW, "escape", 0, READ_RIGHTS, 0));
    report("path_open.escape_link_nofollow", open_at(ROOT, 0, "escape", 0, READ_RIGHTS, 0));
    report("path_open.escape_link_slash", open_at(ROOT, 0, "escape/", 0, READ_RIGHTS, 0));
    report("path_open.escape_dir_link", open_at(ROOT, FOLLOW, "escape_dir/outside", 0, READ_RIGHTS, 0));
    report("path_open.inner_escape_link", open_at(ROOT, FOLLOW, "dir/up", 0, READ_RIGHTS, 0));
    report("path_open.escape_create", open_at(ROOT, FOLLOW, "escape", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL_RIGHTS, 0));
    report("path_open.dotdot_create", open_at(ROOT, FOLLOW, "../created", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0));
    report("path_open.dangling_follow", open_at(ROOT, FOLLOW, "dangling", 0, READ_RIGHTS, 0));
    report("path_open.dangling_nofollow", open_at(ROOT, 0, "dangling", 0, READ_RIGHTS, 0));
    report("path_open.loop_follow", open_at(ROOT, FOLLOW, "loop1", 0, READ_RIGHTS, 0));
    report("path_open.loop_nofollow", open_at(ROOT, 0, "loop1", 0, READ_RIGHTS, 0));
    report("path_open.self_loop", open_at(ROOT, FOLLOW, "self", 0, READ_RIGHTS, 0));
    report("path_open.loop_as_parent", open_at(ROOT, FOLLOW, "loop1/x", 0, READ_RIGHTS, 0));
    report("path_open.link_file_follow", open_at(ROOT, FOLLOW, "link_file", 0, READ_RIGHTS, 0));
    report("path_open.link_file_nofollow", open_at(ROOT, 0, "link_file", 0, READ_RIGHTS, 0));
    report("path_open.link_file_slash", open_at(ROOT, FOLLOW, "link_file/", 0, READ_RIGHTS, 0));
    report("path_open.link_dir_directory", open_at(ROOT, FOLLOW, "link_dir", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, 0));
    report("path_open.link_dir_nofollow_directory", open_at(ROOT, 0, "link_dir", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, 0));
    report("path_open.link_dir_nofollow_slash", open_at(ROOT, 0, "link_dir/", 0, READ_RIGHTS, 0));
    report("path_open.dangling_creat_excl", open_at(ROOT, FOLLOW, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0));
    report("path_open.file_creat_excl", open_at(ROOT, FOLLOW, "file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0));
    report("path_open.dir_creat_excl", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0));
    report("path_open.link_creat_excl", open_at(ROOT, 0, "link_file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL_RIGHTS, 0));
    report("path_open.file_directory", open_at(ROOT, FOLLOW, "file", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, 0));
    report("path_open.directory_creat", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, READ_RIGHTS, 0));
    report("path_open.directory_trunc", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_TRUNC, READ_RIGHTS, 0));
    report("path_open.directory_excl", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_EXCL, READ_RIGHTS, 0));
    report("path_open.directory_missing", open_at(ROOT, FOLLOW, "missing", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS, 0));
    report("path_open.dir_trunc", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_TRUNC, READ_RIGHTS, 0));
    report("path_open.dir_creat", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_CREAT, READ_RIGHTS, 0));
    report("path_open.dir_write", open_at(ROOT, FOLLOW, "dir", 0, ALL_RIGHTS, 0));
    report("path_open.dir_directory_write", open_at(ROOT, FOLLOW, "dir", __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, 0));
    report("path_open.dot_write", open_at(ROOT, FOLLOW, ".", 0, ALL_RIGHTS, 0));
    report("path_open.dir_read", open_at(ROOT, FOLLOW, "dir", 0, READ_RIGHTS, 0));
    report("path_open.creat_trailing_slash", open_at(ROOT, FOLLOW, "newfile/", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0));
    report("path_open.creat_missing_parent", open_at(ROOT, FOLLOW, "missing/new", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0));
    report("path_open.creat_file_parent", open_at(ROOT, FOLLOW, "file/new", __WASI_OFLAGS_CREAT, ALL_RIGHTS, 0));
    report("path_open.bad_fd", open_at(99, FOLLOW, "file", 0, READ_RIGHTS, 0));
    __wasi_fd_t f = open_keep("file", 0, READ_RIGHTS);
    report("path_open.file_fd", open_at(f, FOLLOW, "x", 0, READ_RIGHTS, 0));
    must("close", __wasi_fd_close(f));
    __wasi_fd_t d = open_keep("dir", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS);
    report("path_open.subdir_dotdot", open_at(d, FOLLOW, "../file", 0, READ_RIGHTS, 0));
    report("path_open.subdir_inner", open_at(d, FOLLOW, "inner", 0, READ_RIGHTS, 0));
    must("close", __wasi_fd_close(d));
}

static void path_dir_cases(void) {
    report("path_create_directory.exists_dir", __wasi_path_create_directory(ROOT, "dir"));
    report("path_create_directory.exists_file", __wasi_path_create_directory(ROOT, "file"));
    report("path_create_directory.exists_link", __wasi_path_create_directory(ROOT, "link_dir"));
    report("path_create_directory.dangling", __wasi_path_create_directory(ROOT, "dangling"));
    report("path_create_directory.dot", __wasi_path_create_directory(ROOT, "."));
    report("path_create_directory.dotdot", __wasi_path_create_directory(ROOT, ".."));
    report("path_create_directory.outside", __wasi_path_create_directory(ROOT, "../newdir"));
    report("path_create_directory.via_escape", __wasi_path_create_directory(ROOT, "escape_dir/newdir"));
    report("path_create_directory.missing_parent", __wasi_path_create_directory(ROOT, "missing/x"));
    report("path_create_directory.file_parent", __wasi_path_create_directory(ROOT, "file/x"));
    report("path_create_directory.empty", __wasi_path_create_directory(ROOT, ""));
    report("path_create_directory.trailing_slash", __wasi_path_create_directory(ROOT, "made/"));
    report("path_create_directory.file_fd", __wasi_path_create_directory(99, "x"));

    report("path_remove_directory.not_empty", __wasi_path_remove_directory(ROOT, "full"));
    report("path_remove_directory.file", __wasi_path_remove_directory(ROOT, "file"));
    report("path_remove_directory.missing", __wasi_path_remove_directory(ROOT, "missing"));
    report("path_remove_directory.link_to_dir", __wasi_path_remove_directory(ROOT, "link_dir"));
    report("path_remove_directory.dangling", __wasi_path_remove_directory(ROOT, "dangling"));
    report("path_remove_directory.dot", __wasi_path_remove_directory(ROOT, "."));
    report("path_remove_directory.dotdot", __wasi_path_remove_directory(ROOT, ".."));
    report("path_remove_directory.dir_dot", __wasi_path_remove_directory(ROOT, "empty/."));
    report("path_remove_directory.outside", __wasi_path_remove_directory(ROOT, "../x"));
    report("path_remove_directory.file_trailing_slash", __wasi_path_remove_directory(ROOT, "file/"));
    report("path_remove_directory.trailing_slash", __wasi_path_remove_directory(ROOT, "made/"));

    report("path_unlink_file.dir", __wasi_path_unlink_file(ROOT, "dir"));
    report("path_unlink_file.dir_trailing_slash", __wasi_path_unlink_file(ROOT, "dir/"));
    report("path_unlink_file.missing", __wasi_path_unlink_file(ROOT, "missing"));
    report("path_unlink_file.file_trailing_slash", __wasi_path_unlink_file(ROOT, "file/"));
    report("path_unlink_file.link_dir_trailing_slash", __wasi_path_unlink_file(ROOT, "link_dir/"));
    report("path_unlink_file.dot", __wasi_path_unlink_file(ROOT, "."));
    report("path_unlink_file.dotdot", __wasi_path_unlink_file(ROOT, ".."));
    report("path_unlink_file.outside", __wasi_path_unlink_file(ROOT, "../outside"));
    report("path_unlink_file.via_escape", __wasi_path_unlink_file(ROOT, "escape_dir/outside"));
    report("path_unlink_file.missing_parent", __wasi_path_unlink_file(ROOT, "missing/x"));
    report("path_unlink_file.bad_fd", __wasi_path_unlink_file(99, "file"));
    /* Unlinking links themselves works, wherever they point. */
    report("path_unlink_file.dangling_link", __wasi_path_unlink_file(ROOT, "dangling"));
    must("dangling again", __wasi_path_symlink("missing", ROOT, "dangling"));
}

static void path_link_cases(void) {
    report("path_rename.missing", __wasi_path_rename(ROOT, "missing", ROOT, "x"));
    report("path_rename.file_over_dir", __wasi_path_rename(ROOT, "file", ROOT, "empty"));
    report("path_rename.dir_over_file", __wasi_path_rename(ROOT, "empty", ROOT, "file"));
    report("path_rename.dir_over_nonempty", __wasi_path_rename(ROOT, "empty", ROOT, "full"));
    report("path_rename.dir_into_itself", __wasi_path_rename(ROOT, "dir", ROOT, "dir/sub"));
    report("path_rename.missing_parent", __wasi_path_rename(ROOT, "file", ROOT, "missing/x"));
    report("path_rename.to_outside", __wasi_path_rename(ROOT, "file", ROOT, "../stolen"));
    report("path_rename.from_outside", __wasi_path_rename(ROOT, "../outside", ROOT, "got"));
    report("path_rename.via_escape", __wasi_path_rename(ROOT, "escape_dir/outside", ROOT, "got"));
    report("path_rename.dot", __wasi_path_rename(ROOT, ".", ROOT, "x"));
    report("path_rename.dotdot", __wasi_path_rename(ROOT, "..", ROOT, "x"));
    report("path_rename.file_trailing_slash", __wasi_path_rename(ROOT, "file/", ROOT, "x"));
    report("path_rename.to_trailing_slash", __wasi_path_rename(ROOT, "victim", ROOT, "x/"));
    report("path_rename.bad_fd", __wasi_path_rename(99, "file", ROOT, "x"));
    report("path_rename.empty", __wasi_path_rename(ROOT, "", ROOT, "x"));

    report("path_symlink.absolute_target", __wasi_path_symlink("/etc/passwd", ROOT, "abs"));
    report("path_symlink.exists", __wasi_path_symlink("file", ROOT, "file"));
    report("path_symlink.exists_dir", __wasi_path_symlink("file", ROOT, "dir"));
    report("path_symlink.missing_parent", __wasi_path_symlink("file", ROOT, "missing/x"));
    report("path_symlink.outside", __wasi_path_symlink("file", ROOT, "../planted"));
    report("path_symlink.empty_name", __wasi_path_symlink("file", ROOT, ""));
    report("path_symlink.trailing_slash", __wasi_path_symlink("file", ROOT, "newlink/"));
    report("path_symlink.bad_fd", __wasi_path_symlink("file", 99, "x"));

    report("path_link.missing", __wasi_path_link(ROOT, 0, "missing", ROOT, "x"));
    report("path_link.exists", __wasi_path_link(ROOT, 0, "file", ROOT, "dir"));
    report("path_link.dir", __wasi_path_link(ROOT, 0, "dir", ROOT, "x"));
    report("path_link.from_outside", __wasi_path_link(ROOT, 0, "../outside", ROOT, "x"));
    report("path_link.to_outside", __wasi_path_link(ROOT, 0, "file", ROOT, "../x"));
    report("path_link.follow", __wasi_path_link(ROOT, FOLLOW, "link_file", ROOT, "x"));
    report("path_link.file_trailing_slash", __wasi_path_link(ROOT, 0, "file/", ROOT, "x"));
    report("path_link.missing_parent", __wasi_path_link(ROOT, 0, "file", ROOT, "missing/x"));
    report("path_link.bad_fd", __wasi_path_link(ROOT, 0, "file", 99, "x"));

    uint8_t buf[64];
    __wasi_size_t used;
    report("path_readlink.file", __wasi_path_readlink(ROOT, "file", buf, sizeof buf, &used));
    report("path_readlink.dir", __wasi_path_readlink(ROOT, "dir", buf, sizeof buf, &used));
    report("path_readlink.missing", __wasi_path_readlink(ROOT, "missing", buf, sizeof buf, &used));
    report("path_readlink.escape", __wasi_path_readlink(ROOT, "escape", buf, sizeof buf, &used));
    report("path_readlink.dotdot", __wasi_path_readlink(ROOT, "..", buf, sizeof buf, &used));
    report("path_readlink.link_trailing_slash", __wasi_path_readlink(ROOT, "link_dir/", buf, sizeof buf, &used));
    report("path_readlink.via_escape", __wasi_path_readlink(ROOT, "escape_dir/outside", buf, sizeof buf, &used));
    report("path_readlink.bad_fd", __wasi_path_readlink(99, "escape", buf, sizeof buf, &used));
}

static void path_stat_cases(void) {
    __wasi_filestat_t st;
    report("path_filestat_get.missing", __wasi_path_filestat_get(ROOT, 0, "missing", &st));
    report("path_filestat_get.file_trailing_slash", __wasi_path_filestat_get(ROOT, 0, "file/", &st));
    report("path_filestat_get.escape_follow", __wasi_path_filestat_get(ROOT, FOLLOW, "escape", &st));
    report("path_filestat_get.escape_nofollow", __wasi_path_filestat_get(ROOT, 0, "escape", &st));
    report("path_filestat_get.dangling_follow", __wasi_path_filestat_get(ROOT, FOLLOW, "dangling", &st));
    report("path_filestat_get.dangling_nofollow", __wasi_path_filestat_get(ROOT, 0, "dangling", &st));
    report("path_filestat_get.loop_follow", __wasi_path_filestat_get(ROOT, FOLLOW, "loop1", &st));
    report("path_filestat_get.loop_nofollow", __wasi_path_filestat_get(ROOT, 0, "loop1", &st));
    report("path_filestat_get.dotdot", __wasi_path_filestat_get(ROOT, 0, "..", &st));
    report("path_filestat_get.absolute", __wasi_path_filestat_get(ROOT, 0, "/", &st));
    report("path_filestat_get.empty", __wasi_path_filestat_get(ROOT, 0, "", &st));
    report("path_filestat_get.link_dir_slash", __wasi_path_filestat_get(ROOT, 0, "link_dir/", &st));
    report("path_filestat_get.via_escape", __wasi_path_filestat_get(ROOT, 0, "escape_dir/outside", &st));
    report("path_filestat_get.dot", __wasi_path_filestat_get(ROOT, 0, ".", &st));
    report("path_filestat_get.bad_fd", __wasi_path_filestat_get(99, 0, "file", &st));

    report("path_filestat_set_times.missing", __wasi_path_filestat_set_times(ROOT, FOLLOW, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times.escape", __wasi_path_filestat_set_times(ROOT, FOLLOW, "escape", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times.dangling", __wasi_path_filestat_set_times(ROOT, FOLLOW, "dangling", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times.both_atim", __wasi_path_filestat_set_times(ROOT, FOLLOW, "file", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    report("path_filestat_set_times.both_mtim", __wasi_path_filestat_set_times(ROOT, FOLLOW, "file", 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times.file", __wasi_path_filestat_set_times(ROOT, FOLLOW, "file", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("path_filestat_set_times.dotdot", __wasi_path_filestat_set_times(ROOT, FOLLOW, "..", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
}

static void fd_cases(void) {
    uint8_t buf[64];
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {(const uint8_t *)"data", 4};
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
    __wasi_fdstat_t fst;
    __wasi_prestat_t pre;

    __wasi_fd_t ro = open_keep("file", 0, READ_RIGHTS);
    __wasi_fd_t wo = open_keep("file", 0, WRITE_ONLY_RIGHTS);
    __wasi_fd_t dir = open_keep("dir", __WASI_OFLAGS_DIRECTORY, READ_RIGHTS);

    report("fd_read.dir", __wasi_fd_read(dir, &iov, 1, &n));
    report("fd_read.preopen", __wasi_fd_read(ROOT, &iov, 1, &n));
    report("fd_read.write_only", __wasi_fd_read(wo, &iov, 1, &n));
    report("fd_read.bad_fd", __wasi_fd_read(99, &iov, 1, &n));
    report("fd_read.read_only", __wasi_fd_read(ro, &iov, 1, &n));
    report("fd_write.dir", __wasi_fd_write(dir, &ciov, 1, &n));
    report("fd_write.read_only", __wasi_fd_write(ro, &ciov, 1, &n));
    report("fd_write.stdin", __wasi_fd_write(0, &ciov, 1, &n));
    report("fd_write.bad_fd", __wasi_fd_write(99, &ciov, 1, &n));
    report("fd_pread.dir", __wasi_fd_pread(dir, &iov, 1, 0, &n));
    report("fd_pread.write_only", __wasi_fd_pread(wo, &iov, 1, 0, &n));
    report("fd_pread.stdin", __wasi_fd_pread(0, &iov, 1, 0, &n));
    report("fd_pwrite.read_only", __wasi_fd_pwrite(ro, &ciov, 1, 0, &n));
    report("fd_pwrite.dir", __wasi_fd_pwrite(dir, &ciov, 1, 0, &n));
    report("fd_pwrite.stdout", __wasi_fd_pwrite(1, &ciov, 1, 0, &n));
    report("fd_seek.dir", __wasi_fd_seek(dir, 0, __WASI_WHENCE_SET, &pos));
    report("fd_seek.stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos));
    report("fd_seek.negative", __wasi_fd_seek(ro, -1, __WASI_WHENCE_SET, &pos));
    report("fd_seek.bad_fd", __wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &pos));
    report("fd_tell.dir", __wasi_fd_tell(dir, &pos));
    report("fd_tell.bad_fd", __wasi_fd_tell(99, &pos));
    uint8_t dbuf[256];
    report("fd_readdir.file", __wasi_fd_readdir(ro, dbuf, sizeof dbuf, 0, &n));
    report("fd_readdir.stdin", __wasi_fd_readdir(0, dbuf, sizeof dbuf, 0, &n));
    report("fd_readdir.bad_fd", __wasi_fd_readdir(99, dbuf, sizeof dbuf, 0, &n));
    report("fd_readdir.dir", __wasi_fd_readdir(dir, dbuf, sizeof dbuf, 0, &n));
    report("fd_filestat_set_size.dir", __wasi_fd_filestat_set_size(dir, 0));
    report("fd_filestat_set_size.read_only", __wasi_fd_filestat_set_size(ro, 0));
    report("fd_filestat_set_size.bad_fd", __wasi_fd_filestat_set_size(99, 0));
    report("fd_allocate.dir", __wasi_fd_allocate(dir, 0, 10));
    report("fd_allocate.bad_fd", __wasi_fd_allocate(99, 0, 10));
    report("fd_filestat_get.bad_fd", __wasi_fd_filestat_get(99, &st));
    report("fd_filestat_get.dir", __wasi_fd_filestat_get(dir, &st));
    report("fd_filestat_set_times.both_mtim", __wasi_fd_filestat_set_times(ro, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
    report("fd_filestat_set_times.bad_fd", __wasi_fd_filestat_set_times(99, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("fd_filestat_set_times.dir", __wasi_fd_filestat_set_times(dir, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    report("fd_fdstat_get.bad_fd", __wasi_fd_fdstat_get(99, &fst));
    report("fd_fdstat_set_flags.dir", __wasi_fd_fdstat_set_flags(dir, __WASI_FDFLAGS_APPEND));
    report("fd_fdstat_set_flags.sync", __wasi_fd_fdstat_set_flags(wo, __WASI_FDFLAGS_SYNC));
    report("fd_fdstat_set_flags.append", __wasi_fd_fdstat_set_flags(wo, __WASI_FDFLAGS_APPEND));
    report("fd_fdstat_set_flags.bad_fd", __wasi_fd_fdstat_set_flags(99, 0));
    report("fd_advise.bad_fd", __wasi_fd_advise(99, 0, 0, 0));
    report("fd_advise.file", __wasi_fd_advise(ro, 0, 0, __WASI_ADVICE_NORMAL));
    report("fd_sync.bad_fd", __wasi_fd_sync(99));
    report("fd_datasync.bad_fd", __wasi_fd_datasync(99));
    report("fd_prestat_get.file", __wasi_fd_prestat_get(ro, &pre));
    report("fd_prestat_get.stdin", __wasi_fd_prestat_get(0, &pre));
    report("fd_prestat_get.bad_fd", __wasi_fd_prestat_get(99, &pre));
    report("fd_prestat_dir_name.file", __wasi_fd_prestat_dir_name(ro, buf, sizeof buf));
    report("fd_renumber.to_unused", __wasi_fd_renumber(ro, 99));
    report("fd_renumber.from_unused", __wasi_fd_renumber(99, ro));
    report("fd_close.bad_fd", __wasi_fd_close(99));
    __wasi_fd_t accepted;
    report("sock_accept.file", __wasi_sock_accept(ro, 0, &accepted));
    report("sock_shutdown.preopen", __wasi_sock_shutdown(ROOT, __WASI_SDFLAGS_RD));
    report("sock_shutdown.bad_fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD));
    must("close", __wasi_fd_close(ro));
    must("close", __wasi_fd_close(wo));
    must("close", __wasi_fd_close(dir));
    report("fd_close.closed", __wasi_fd_close(dir));
}

int main(void) {
    /* One line at a time: a trap is then reported after the last case
     * that completed. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(long_name, 'a', sizeof long_name - 1);
    fixture();
    path_open_cases();
    path_dir_cases();
    path_link_cases();
    path_stat_cases();
    fd_cases();
    return 0;
}
