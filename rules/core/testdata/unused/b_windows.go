package unused

func init() { usedOnWindows() }
