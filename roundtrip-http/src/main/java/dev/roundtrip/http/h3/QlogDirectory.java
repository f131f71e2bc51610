package dev.roundtrip.http.h3;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where quiche writes qlogs (one file per QUIC connection), checked where the option is read: the
 * trace client's {@code --qlog} and a listener's {@code http3.qlog_dir}. The directory is made if
 * missing, so a bad path fails at start rather than silently at the first connection.
 */
public final class QlogDirectory {
    private QlogDirectory() {}

    /**
     * {@code dir}, made if missing and writable by this process.
     *
     * @throws IllegalArgumentException saying which of the two it is not (callers prefix the option)
     */
    public static Path prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            throw new IllegalArgumentException("cannot make it a directory (" + why + ")", e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("this process cannot write to it");
        }
        return dir;
    }
}
