package a

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func unsafeExtract(r *zip.Reader, dest string) {
	for _, f := range r.File {
		path := filepath.Join(dest, f.Name) // want "f.Name comes from the archive"
		os.Create(path)
	}
}

func safeExtract(r *zip.Reader, dest string) error {
	for _, f := range r.File {
		path := filepath.Join(dest, f.Name)
		if !strings.HasPrefix(path, filepath.Clean(dest)+string(os.PathSeparator)) {
			return fmt.Errorf("%s: illegal file path", f.Name)
		}
		os.Create(path)
	}
	return nil
}

func names(files []string, dest string) {
	for _, f := range files {
		_ = filepath.Join(dest, f)
	}
}
