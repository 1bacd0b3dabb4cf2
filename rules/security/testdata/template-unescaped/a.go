package a

import (
	"fmt"
	"html"
	"html/template"
)

const banner = "<b>welcome</b>"

func page(bio, link string, ratio float64) []any {
	return []any{
		template.HTML(bio), // want "bio is not a constant"
		template.URL(link), // want "link is not a constant"
		template.HTML(fmt.Sprintf("<b>%s</b>", bio)), // want "is not a constant"
		template.HTML(banner),
		template.HTML("<br>"),
		template.HTML(html.EscapeString(bio)),
		template.HTML(fmt.Sprintf("%.2f%%", ratio*100)),
	}
}
