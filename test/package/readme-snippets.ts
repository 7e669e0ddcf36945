/**
 * The README's TypeScript snippets, as the consumer test compiles them. A block fenced ```ts is a
 * complete module and must compile against the packed package; a block fenced ```ts fragment is an
 * excerpt (it uses names defined elsewhere) and is shown only. Any other word after ts is refused, so
 * a misspelt marker cannot quietly skip a block.
 */
export interface Snippet {
  /** The README line of the opening fence: snippet line n is README line `line + n`. */
  line: number
  code: string
}

export function readmeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n')
  const snippets: Snippet[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(`{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!)
    if (!fence) continue
    const end = lines.findIndex((line, j) => j > i && line.startsWith(fence[1]!) && line.trim() === fence[1])
    if (end === -1) throw new Error(`README.md line ${i + 1}: the code block is never closed`)
    const [language, marker] = [fence[2]!, fence[3]!.trim()]
    if (language === 'typescript') throw new Error(`README.md line ${i + 1}: fence TypeScript as ts`)
    if (language === 'ts' && marker !== '' && marker !== 'fragment') {
      throw new Error(`README.md line ${i + 1}: unknown marker "${marker}" (a ts block is compiled, or fenced "ts fragment")`)
    }
    if (language === 'ts' && marker === '') snippets.push({ line: i + 1, code: `${lines.slice(i + 1, end).join('\n')}\n` })
    i = end
  }
  return snippets
}
