package notify

import (
	"html"
	"regexp"
	"strings"
)

// Templates use Frontegg's (Handlebars) placeholders: {{name}} inserts a
// variable, {{#if name}}…{{else}}…{{/if}} keeps a part only when the
// variable is not empty. {{{name}}}, Handlebars' raw form, is accepted but
// escaped like {{name}}: no variable is ever inserted into HTML unescaped,
// since names, emails and metadata come from users. An unknown variable
// renders as nothing; text that is not a placeholder stays as written.

// node is one piece of a parsed template.
type node struct {
	text   string // literal text, when name is ""
	name   string // variable to insert, or the condition of a block
	block  bool
	then   []node
	orElse []node
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// parseTemplate parses src; it never fails: malformed placeholders are text.
func parseTemplate(src string) []node {
	nodes, _, _ := parseNodes(src, 0)
	return nodes
}

// parseNodes parses src from i until the end or an {{else}} or {{/if}} at
// this level, which it returns ("else", "/if" or "") with the position after it.
func parseNodes(src string, i int) ([]node, string, int) {
	var out []node
	text := func(s string) {
		if n := len(out); n > 0 && out[n-1].name == "" && !out[n-1].block {
			out[n-1].text += s
			return
		}
		out = append(out, node{text: s})
	}
	for i < len(src) {
		start := strings.Index(src[i:], "{{")
		if start < 0 {
			text(src[i:])
			break
		}
		start += i
		text(src[i:start])
		open, close := "{{", "}}"
		if strings.HasPrefix(src[start:], "{{{") {
			open, close = "{{{", "}}}"
		}
		end := strings.Index(src[start+len(open):], close)
		if end < 0 {
			text(src[start:])
			break
		}
		inner := strings.TrimSpace(src[start+len(open) : start+len(open)+end])
		next := start + len(open) + end + len(close)
		switch {
		case open == "{{" && inner == "else":
			return out, "else", next
		case open == "{{" && inner == "/if":
			return out, "/if", next
		case open == "{{" && strings.HasPrefix(inner, "#if ") && identifier.MatchString(strings.TrimSpace(inner[4:])):
			b := node{name: strings.TrimSpace(inner[4:]), block: true}
			var stop string
			b.then, stop, next = parseNodes(src, next)
			if stop == "else" {
				b.orElse, stop, next = parseNodes(src, next)
			}
			if stop != "/if" { // unterminated: keep what was parsed, as a block to the end
				out = append(out, b)
				return out, "", next
			}
			out = append(out, b)
		case identifier.MatchString(inner):
			out = append(out, node{name: inner})
		default:
			text(src[start:next])
		}
		i = next
	}
	return out, "", len(src)
}

// render writes nodes with vars; escape is applied to every inserted value.
func render(nodes []node, vars map[string]string, escape func(string) string, b *strings.Builder) {
	for _, n := range nodes {
		switch {
		case n.block && vars[n.name] != "":
			render(n.then, vars, escape, b)
		case n.block:
			render(n.orElse, vars, escape, b)
		case n.name != "":
			b.WriteString(escape(vars[n.name]))
		default:
			b.WriteString(n.text)
		}
	}
}

// renderHTML renders an HTML template, escaping every value.
func renderHTML(src string, vars map[string]string) string {
	var b strings.Builder
	render(parseTemplate(src), vars, html.EscapeString, &b)
	return b.String()
}

// renderText renders a plain-text template (an SMS, a subject) as is.
func renderText(src string, vars map[string]string) string {
	var b strings.Builder
	render(parseTemplate(src), vars, func(s string) string { return s }, &b)
	return b.String()
}

// renderLine renders a one-line template such as a subject: line breaks in
// values or in the template become spaces, so no header can be injected.
func renderLine(src string, vars map[string]string) string {
	return strings.Join(strings.Fields(renderText(src, vars)), " ")
}

var (
	dropBlocks = regexp.MustCompile(`(?is)<(head|style|script|title)\b.*?</(head|style|script|title)\s*>`)
	anchor     = regexp.MustCompile(`(?is)<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>(.*?)</a\s*>`)
	lineBreaks = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr|table|blockquote)\s*>`)
	tags       = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLines = regexp.MustCompile(`\n{3,}`)
)

// textOf derives the plain-text alternative of an HTML email: links become
// "label: URL" so the URL stands alone on its line, block ends become line
// breaks, other markup goes, and entities are decoded.
func textOf(htmlBody string) string {
	s := dropBlocks.ReplaceAllString(htmlBody, "")
	s = anchor.ReplaceAllStringFunc(s, func(a string) string {
		m := anchor.FindStringSubmatch(a)
		href := m[2] + m[3]
		label := strings.TrimSpace(tags.ReplaceAllString(m[4], ""))
		if label == "" || html.UnescapeString(label) == html.UnescapeString(href) {
			return "\n" + href + "\n"
		}
		return label + ": " + href + "\n"
	})
	s = lineBreaks.ReplaceAllString(s, "\n")
	s = tags.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s) + "\n"
}
