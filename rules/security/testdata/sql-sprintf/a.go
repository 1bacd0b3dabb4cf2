package a

import (
	"context"
	"database/sql"
	"fmt"
)

const table = "users"

func queries(ctx context.Context, db *sql.DB, name string, id int) {
	db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name)) // want "SQL built with fmt.Sprintf from name is passed to Query"
	db.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE id = %d", table, id)) // want "from id is passed to ExecContext"
	db.Query(fmt.Sprintf("SELECT * FROM %s", table)) // only constants
	db.Query("SELECT * FROM users WHERE name = $1", name)
	fmt.Println(fmt.Sprintf("SELECT %s", name))
}
