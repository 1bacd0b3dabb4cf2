package a

import "html/template"

const banner = "<b>welcome</b>"

func page(bio, link string) []any {
	return []any{
		template.HTML(bio), // want "bio is not a constant"
		template.URL(link), // want "link is not a constant"
		template.HTML(banner),
		template.HTML("<br>"),
	}
}
