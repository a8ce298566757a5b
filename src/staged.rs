//! Every file narrate puts in the output folder is staged first: written to a temporary file
//! in `.narrate/tmp/` (the same filesystem), synced, then renamed into place, so that a
//! crash leaves either the old file or the new one, never a part of one.

use std::fs::File;
use std::io::{self, Write};
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

/// Writes `path` through a staged file in `tmp_dir` (on the same filesystem): `fill` writes
/// it, then it is synced and renamed into place.
pub fn write_with(
    path: &Path,
    tmp_dir: &Path,
    fill: impl FnOnce(&File) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = staged(tmp_dir)?;
    fill(tmp.as_file())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `path` through [`write_with`].
pub fn write_atomic(path: &Path, tmp_dir: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, tmp_dir, |mut file| file.write_all(bytes))
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
