//! Copy-on-write memory images.
//!
//! A module whose active data segments all have constant offsets inside a
//! defined memory's initial size gets one image per such memory: an
//! in-memory file (`memfd`) holding the memory's initial contents from the
//! first to the last page a segment touches. Instantiation maps that range
//! of the file over the new memory's reservation, private and writable, so
//! the kernel shares the pages between instances and copies one only when
//! an instance writes to it. Instantiation then costs one `mmap` whatever
//! the size of the data, touches no page, and the pages a module never
//! reads are never materialised.
//!
//! Building an image writes each segment at its offset (later segments
//! overwrite earlier ones, as instantiation would); the gaps are holes of
//! the file and cost nothing.

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::FileExt;

use anyhow::{Result, bail};

use super::mmap::page_size;

/// The initial contents of `[offset, offset + len)` of a linear memory, in
/// an in-memory file.
#[derive(Debug)]
pub struct MemoryImage {
    file: File,
    /// Page-aligned start of the range in the memory.
    offset: usize,
    /// Page-aligned length of the range.
    len: usize,
}

impl MemoryImage {
    /// An image of the segments `(offset, bytes)`, applied in order. `None`
    /// when they hold no bytes. Fails when the system has no `memfd` (the
    /// caller then copies segments instead).
    pub fn new<'a>(
        segments: impl Iterator<Item = (usize, &'a [u8])> + Clone,
    ) -> Result<Option<MemoryImage>> {
        let page = page_size();
        let nonempty = segments.clone().filter(|(_, b)| !b.is_empty());
        let Some(start) = nonempty.clone().map(|(o, _)| o).min() else {
            return Ok(None);
        };
        let end = nonempty.map(|(o, b)| o + b.len()).max().unwrap_or(start);
        let offset = start / page * page;
        let Some(len) = end.checked_next_multiple_of(page).map(|e| e - offset) else {
            bail!("data segment end {end:#x} overflows");
        };
        let file = memfd("petrel-memory-image")?;
        file.set_len(len as u64)?;
        for (o, bytes) in segments.filter(|(_, b)| !b.is_empty()) {
            file.write_all_at(bytes, (o - offset) as u64)?;
        }
        Ok(Some(MemoryImage { file, offset, len }))
    }

    /// Page-aligned start of the range the image covers.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Page-aligned length of the range the image covers.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The file descriptor to map.
    pub(super) fn fd(&self) -> i32 {
        self.file.as_raw_fd()
    }
}

/// A new, empty, close-on-exec in-memory file.
fn memfd(name: &str) -> Result<File> {
    if cfg!(miri) {
        bail!("memfd is not available under Miri");
    }
    let name = std::ffi::CString::new(name)?;
    // SAFETY: `name` is a valid NUL-terminated string; the flags are valid.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        bail!("memfd_create failed: {}", std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a freshly created descriptor that nothing else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "memfd_create is not available under Miri")]
    fn image_covers_the_pages_segments_touch_and_applies_them_in_order() {
        let page = page_size();
        let segs: Vec<(usize, &[u8])> = vec![
            (page + 10, b"hello"),
            (page + 12, b"XY"),
            (3 * page - 1, b"ab"),
            (0, b""),
        ];
        let image = MemoryImage::new(segs.iter().copied()).unwrap().unwrap();
        assert_eq!(image.offset(), page);
        assert_eq!(image.len(), 3 * page);
        let mut buf = [0u8; 5];
        image.file.read_exact_at(&mut buf, 10).unwrap();
        assert_eq!(&buf, b"heXYo");
        let mut buf = [0u8; 2];
        image
            .file
            .read_exact_at(&mut buf, (2 * page - 1) as u64)
            .unwrap();
        assert_eq!(&buf, b"ab");
    }

    #[test]
    fn no_bytes_no_image() {
        let segs: Vec<(usize, &[u8])> = vec![(5, b"")];
        assert!(MemoryImage::new(segs.iter().copied()).unwrap().is_none());
    }
}
