// Package xml declares its own Encoder: inside it, *Encoder is xml.Encoder.
package xml

type Encoder struct{}

type StartElement struct{}

type Marshaler interface {
	MarshalXML(e *Encoder, start StartElement) error
}

type Other struct{}

func (Other) MarshalXML(e *Encoder, start *StartElement) error { return nil } // want "should have signature MarshalXML\\(\\*xml.Encoder, xml.StartElement\\) error"
