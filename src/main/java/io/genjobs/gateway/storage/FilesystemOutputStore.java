package io.genjobs.gateway.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.springframework.core.io.FileSystemResource;

/**
 * Outputs as files under one folder ({@code gateway.storage.path}), for one machine. A
 * file is written to a temporary name beside its place and moved there when complete (an
 * atomic rename), so a crash never leaves a partial file under a key.
 */
final class FilesystemOutputStore implements OutputStore {

	private static final int BUFFER = 64 * 1024;

	private final Path root;

	FilesystemOutputStore(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	@Override
	public void put(String key, InputStream content, String contentType) throws IOException {
		Path target = resolve(key);
		Files.createDirectories(target.getParent());
		Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
		try {
			try (OutputStream out = Files.newOutputStream(temporary)) {
				byte[] buffer = new byte[BUFFER];
				for (int read; (read = content.read(buffer)) != -1;) {
					out.write(buffer, 0, read);
				}
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	@Override
	public void delete(List<String> keys) throws IOException {
		for (String key : keys) {
			Path file = resolve(key);
			Files.deleteIfExists(file);
			try {
				// The job's folder goes with its last file.
				Files.deleteIfExists(file.getParent());
			}
			catch (IOException ex) {
				// Not empty yet.
			}
		}
	}

	@Override
	public void check() throws IOException {
		Files.createDirectories(this.root);
		if (!Files.isWritable(this.root)) {
			throw new IOException(this.root + " is not writable");
		}
	}

	@Override
	public Served serve(String key, String contentType, Duration linkTtl) {
		return new Local(new FileSystemResource(resolve(key)));
	}

	@Override
	public String describe() {
		return "filesystem " + this.root;
	}

	/** Keys are made by the gateway ({@code {uuid}/{n}}); checked all the same. */
	private Path resolve(String key) {
		Path file = this.root.resolve(key).normalize();
		if (!file.startsWith(this.root) || file.equals(this.root)) {
			throw new IllegalArgumentException("Not a key of this store: " + key);
		}
		return file;
	}

}
