package a

import (
	"context"
	"database/sql"
)

const table = "users"

func queries(ctx context.Context, db *sql.DB, id string) {
	db.Query("SELECT * FROM users WHERE id = " + id) // want "SQL built with \\+ is passed to Query"
	db.QueryRowContext(ctx, "DELETE FROM "+table+" WHERE id = '"+id+"'") // want "passed to QueryRowContext"
	db.Query("SELECT * FROM " + table)
	db.Query("SELECT * FROM users WHERE id = $1", id)
}
