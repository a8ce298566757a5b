//! Every file narrate puts in the output folder is staged first: written to a temporary file
//! in `.narrate/tmp/` (the same filesystem), synced, then renamed into place, so that a
//! crash leaves either the old file or the new one, never a part of one.

use std::io;
use std::path::Path;

use tempfile::NamedTempFile;

/// A new temporary file in `dir`, for a file that will be renamed into the output folder.
///
/// It gets the permissions a file created there directly would get (0666 less the umask),
/// not a temporary file's private 0600: these files are meant to be shared, copied to a
/// phone or served by a podcast host.
pub fn staged(dir: &Path) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".narrate-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    /// The mode of a file created plainly in `dir`: 0666 less this process's umask.
    fn created_mode(dir: &std::path::Path) -> u32 {
        let probe = dir.join("probe");
        std::fs::write(&probe, b"").expect("write");
        probe.metadata().expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn a_staged_file_gets_the_permissions_of_a_plainly_created_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = super::staged(dir.path()).expect("staged");
        let mode = file.path().metadata().expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, created_mode(dir.path()));
        let renamed = dir.path().join("out.wav");
        file.persist(&renamed).expect("persist");
        let mode = renamed.metadata().expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, created_mode(dir.path()));
    }
}
