//! Writing a registry file's data out to disk while an import is still writing it.
//!
//! An import into a SQLite registry with a rollback journal ([`crate::large_writes`]) puts its
//! pages into the file as it goes, but the kernel keeps them in memory until the commit's
//! `fsync`, which then waits for all of them at once: for 100,000 phenopackets (a 760 MB
//! registry) about 0.4 s at the end of a 4 s import, with both cores idle. A thread of its own
//! that has the file's data written out (`fdatasync`) every few megabytes lets the disk work
//! while the import reads on, and leaves the commit little to wait for.
//!
//! This never makes anything less durable: it only writes to disk what SQLite has already
//! written to the file, and SQLite's own order of journal and file `fsync`s still decides what
//! a crash leaves (a hot journal rolls back any page the import changed).

use std::path::Path;
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

/// A thread that writes one file's data out to disk each time [`WRITE_OUT_EVERY`] more bytes
/// were written to it.
pub(crate) struct Writeback {
    /// Each message asks the thread for one write-out.
    nudges: Option<SyncSender<()>>,
    /// Answers how many write-outs succeeded.
    thread: Option<JoinHandle<usize>>,
    /// Bytes written since the last write-out was asked for.
    unwritten: usize,
}

/// How much is written between two write-outs, as much as the import's page cache holds
/// (`IMPORT_CACHE`): less would write out pages that are not in the file yet. Each write-out costs
/// a journal commit of the file system, on this thread while the import reads on; a 13 MB
/// registry (the 1,508 phenopacket-store files) gets four to six of them and its commit's `fsync`
/// waits 6 ms instead of 20 to 24 (every 16 MB: none), and a 760 MB one gets some 380 and is no
/// slower for them.
const WRITE_OUT_EVERY: usize = 2 << 20;

impl Writeback {
    /// Starts the thread for the file at `path`; `None` when the file cannot be opened (it is
    /// then left to the commit, as without this).
    pub(crate) fn start(path: &Path) -> Option<Writeback> {
        let file = std::fs::File::open(path).ok()?;
        // One nudge waits while a write-out runs; more would only repeat it.
        let (nudges, nudged) = std::sync::mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            // Linux keeps fifteen bytes of a thread's name.
            .name("registry-sync".into())
            // A failure here changes nothing: the commit's own `fsync` reports it.
            .spawn(move || nudged.iter().filter(|()| file.sync_data().is_ok()).count())
            .ok()?;
        Some(Writeback { nudges: Some(nudges), thread: Some(thread), unwritten: 0 })
    }

    /// Counts `bytes` more written to the file, and once [`WRITE_OUT_EVERY`] have been since the
    /// last write-out, asks for the data written so far to go out to disk, without waiting.
    pub(crate) fn wrote(&mut self, bytes: usize) {
        self.unwritten += bytes;
        if self.unwritten < WRITE_OUT_EVERY {
            return;
        }
        self.unwritten = 0;
        if let Some(nudges) = &self.nudges {
            // Full: a write-out is already waiting, and it will take this data too.
            let _ = nudges.try_send(());
        }
    }

    /// Stops the thread once the write-outs asked for are done; gives how many succeeded.
    fn finish(&mut self) -> usize {
        drop(self.nudges.take());
        self.thread.take().map_or(0, |thread| thread.join().unwrap_or(0))
    }
}

impl Drop for Writeback {
    /// No thread outlives the import.
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crate::writeback::{WRITE_OUT_EVERY, Writeback};

    #[test]
    fn the_file_is_written_out_each_time_enough_was_written_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        let mut file = std::fs::File::create(&path).unwrap();
        let mut writeback = Writeback::start(&path).unwrap();
        file.write_all(&[7; 64 * 1024]).unwrap();
        writeback.wrote(WRITE_OUT_EVERY - 1);
        writeback.wrote(1);
        // Joining the thread waits for the write-out it was asked for.
        assert_eq!(writeback.finish(), 1);
        assert_eq!(writeback.finish(), 0, "the thread is gone");
        let mut too_little = Writeback::start(&path).unwrap();
        too_little.wrote(WRITE_OUT_EVERY - 1);
        assert_eq!(too_little.finish(), 0);
    }

    #[test]
    fn a_file_that_cannot_be_opened_gives_no_thread() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Writeback::start(&dir.path().join("missing.db")).is_none());
    }
}
