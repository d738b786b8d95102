//! The program's allocator: mimalloc for the many small allocations of
//! sled and bulk work (sample data of 100,000 customers took 8.0 s with
//! it, 12.2 s with the system's), the system's for the few large ones.
//!
//! mimalloc writes zeros over a large zeroed block itself, touching every
//! page: sled's metrics, 15 MB made zeroed as each view opens, cost a
//! short command 3 ms of its 14 at 1,000 customers. The system allocator
//! maps such a block from the kernel, already zero, and only the pages
//! used are ever touched.
//!
//! mimalloc also costs a process about 2 ms to start (setting up its first
//! pages, on each thread), which a command that names one customer never
//! wins back: such a command has every block from the system's allocator
//! (`small_blocks_from_system`, decided as the program is loaded). Medians
//! of 30-40 alternating runs at 10,000 customers: `show` 9.4 -> 8.2 ms,
//! `log` 11.4 -> 10.0 ms (a build without mimalloc at all: 7.7 and 9.1 ms;
//! mimalloc's own start and exit still run). The other way round, `report`
//! at 100,000 took 0.64 s with mimalloc and 1.37 s without, so everything
//! else keeps it.
//!
//! A block's size, and that one decision, decide which allocator has it,
//! at allocation and at release alike, so each block goes back to the one
//! it came from.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

/// Which allocator has the small blocks. Settled by the first allocation
/// (mimalloc) unless `small_blocks_from_system` came first, and never
/// changed after: so a block is released by the allocator that made it.
static SMALL_BLOCKS: AtomicU8 = AtomicU8::new(UNSETTLED);
const UNSETTLED: u8 = 0;
const MIMALLOC: u8 = 1;
const SYSTEM: u8 = 2;

/// Gives every small block to the system's allocator, if nothing has been
/// allocated yet; says whether it did.
pub fn small_blocks_from_system() -> bool {
    SMALL_BLOCKS
        .compare_exchange(UNSETTLED, SYSTEM, Relaxed, Relaxed)
        .is_ok()
}

fn small_from_system() -> bool {
    match SMALL_BLOCKS.load(Relaxed) {
        SYSTEM => true,
        MIMALLOC => false,
        // The first allocation: mimalloc from now on, unless the choice
        // was just made the other way.
        _ => match SMALL_BLOCKS.compare_exchange(UNSETTLED, MIMALLOC, Relaxed, Relaxed) {
            Ok(_) => false,
            Err(settled) => settled == SYSTEM,
        },
    }
}

/// Turns transparent huge pages off for this process. The binary calls it
/// before anything is allocated (`main.rs`, as the program is loaded):
/// mimalloc asks the kernel for huge pages, and the kernel zeroes each
/// whole (2 MiB) when first touched. A command that reads or changes one
/// customer touched three before it could turn them off, about a tenth of
/// its time. Long work turns them on again (`huge_pages_again`).
pub extern "C" fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE takes integers only and
    // changes nothing but this process's use of huge pages; it allocates
    // nothing, so it may run before the allocator has started.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Transparent huge pages on again, for memory touched from now on.
pub fn huge_pages_again() {
    #[cfg(target_os = "linux")]
    // SAFETY: as in `no_huge_pages`.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0);
    }
}

/// Blocks of this many bytes and more come from the system allocator.
const LARGE: usize = 1 << 20;

pub struct Allocator;

/// Whether the system's allocator has a block of `size` bytes.
fn from_system(size: usize) -> bool {
    size >= LARGE || small_from_system()
}

// SAFETY: each call is passed on to the allocator that owns the block,
// chosen by its size and by `SMALL_BLOCKS`, which is settled before the
// first block is made and never changes, so a block is always released
// (or resized) by the allocator that made it; both uphold `GlobalAlloc`'s
// contract.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if from_system(layout.size()) {
                System.alloc(layout)
            } else {
                mimalloc::MiMalloc.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if from_system(layout.size()) {
                System.alloc_zeroed(layout)
            } else {
                mimalloc::MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was made by the allocator its size (and the settled
        // choice) names.
        unsafe {
            if from_system(layout.size()) {
                System.dealloc(ptr, layout)
            } else {
                mimalloc::MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was made by the allocator its old size names; a
        // block that changes allocator is copied into a new one and the
        // old released by its own.
        unsafe {
            match (from_system(layout.size()), from_system(new_size)) {
                (true, true) => System.realloc(ptr, layout, new_size),
                (false, false) => mimalloc::MiMalloc.realloc(ptr, layout, new_size),
                _ => {
                    let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks that grow and shrink across the line between the two
    /// allocators keep their bytes, and each is released by its own.
    #[test]
    fn blocks_that_cross_between_the_allocators_keep_their_bytes() {
        let a = Allocator;
        for align in [8usize, 4096] {
            let small = Layout::from_size_align(1000, align).unwrap();
            // SAFETY: layouts of non-zero size; each block is released once.
            unsafe {
                let p = a.alloc(small);
                assert!(!p.is_null());
                for i in 0..1000 {
                    *p.add(i) = (i % 251) as u8;
                }
                let big = a.realloc(p, small, LARGE + 10);
                assert!(!big.is_null());
                assert!((0..1000).all(|i| *big.add(i) == (i % 251) as u8));
                let big_layout = Layout::from_size_align(LARGE + 10, align).unwrap();
                let back = a.realloc(big, big_layout, 500);
                assert!((0..500).all(|i| *back.add(i) == (i % 251) as u8));
                a.dealloc(back, Layout::from_size_align(500, align).unwrap());
                let zeroed = a.alloc_zeroed(big_layout);
                assert!((0..LARGE + 10).step_by(4096).all(|i| *zeroed.add(i) == 0));
                a.dealloc(zeroed, big_layout);
            }
        }
    }
}
