package p

import (
	"database/sql"
	"fmt"
	"time"
)

func f(db *sql.DB, name string) {
	// ruleid: sprintf-sql
	db.Query(fmt.Sprintf("SELECT * FROM t WHERE n = '%s'", name))
	// ok: sprintf-sql
	db.Query("SELECT 1")
	// ruleid: sleep-literal
	time.Sleep(5)
}
