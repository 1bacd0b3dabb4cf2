package addrnil

type options struct {
	tls *struct{ insecure bool }
	ids []int
}

func validate(o options, p *options) bool {
	if &o.tls == nil { // want "the address &o.tls is never nil: &o.tls == nil is always false"
		return false
	}
	if nil != &o { // want "always true"
		return true
	}
	if (&p.ids) == nil { // want "never nil"
		return false
	}
	if o.tls == nil || p == nil || *p == (options{}) == false {
		return false
	}
	return true
}
