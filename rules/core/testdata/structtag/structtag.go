package structtag

import "encoding/xml"

type Item struct {
	ID    string `json:"id" xml:"id"`
	SKU   string `json:"id"` // want `struct field SKU repeats json tag "id" also at structtag.go:6`
	Price int    `json: "price"` // want `not compatible with reflect.StructTag.Get: bad syntax for struct tag value`
	Note  string `json:"note, omitempty"` // want `suspicious space in struct tag value`
	Kind  string `json:"kind",xml:"kind"` // want `pairs not separated by spaces`
	Color string `json :"color"` // want `bad syntax for struct tag pair`
	Size  string `json:size` // want `bad syntax for struct tag value`
	Stock int    `json:"stock" db:"stock" json:"qty"` // want "repeats key 'json'"
	Tags  []string "json:\"tags\"\tdb:\"tags\"" // want "not separated by spaces"

	internal string `json:"internal"` // want `struct field internal has json tag but is not exported`
	hidden   string `json:"-"`
	cache    map[string]int
}

type Warehouse struct {
	XMLName xml.Name `xml:"warehouse"`
	Name    string   `xml:"name"`
	Code    string   `xml:"code,attr"`
	Alias   string   `xml:"code"` // elements and attributes do not clash
	Region  string   `xml:"code,attr"` // want `struct field Region repeats xml attribute tag "code" also at structtag.go:24`
	City    string   `xml:"warehouse"` // XMLName names the element itself
}

type Base struct {
	ID string `json:"id"`
}

type Audit struct {
	ID string `json:"id"`
}

// Embedded fields without a name of their own are flattened one level down, where the
// outer field wins: nothing to report.
type Product struct {
	Base
	*Audit
	ID      string `json:"id"`
	Skipped string `json:"-"`
	Other   string `json:"-"`
	Empty1  string `json:",omitempty"`
	Empty2  string `json:",omitempty"`
	Plain   string `db:"plain" validate:"required,min=1" yaml:"plain,omitempty"`
	Colons  string `x:"a:b" y:""`
	Quoted  string "k:\"contains spaces\" j:\"and\\tescapes\""
}

type Named struct {
	Base  `json:"base"`
	Extra string `json:"base"` // want `struct field Extra repeats json tag "base" also at structtag.go:54`
}

func local() any {
	type row struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	return struct {
		Rows []row `json:"rows"`
		Bad  int   `json:"rows"` // want `repeats json tag "rows"`
	}{}
}
