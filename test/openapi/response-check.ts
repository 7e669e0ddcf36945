/**
 * Checks real responses against the OpenAPI document: finds the operation of a request by method
 * and path (templates like `{id}`, with or without the trailing slash), takes the response of its
 * status and media type, and validates the body with Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1) against that schema, `$ref`s into `components` resolved. It records which
 * operations and statuses were checked, so a test can demand that every operation was.
 */
import assert from 'node:assert/strict'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

type JsonObject = Record<string, unknown>
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: JsonObject }> }>
}

/** What a supertest response gives the check. */
export interface CheckedResponse {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: supertest's body, read by the tests
  body: any
  text?: string
  headers: Record<string, unknown>
}

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void

const DOCUMENT_ID = 'https://example.com/openapi.json'

export class ResponseChecker {
  /** `METHOD docPath` -> the statuses checked. */
  readonly hits = new Map<string, Set<number>>()
  private readonly ajv: Ajv2020
  private readonly validators = new Map<string, ValidateFunction>()
  private readonly operations: { method: string; docPath: string; pattern: RegExp; templates: number }[] = []

  constructor(private readonly document: JsonObject) {
    // strictSchema off: OpenAPI's own keywords (`components`) sit beside the schemas; every
    // keyword the schemas use is still applied, `additionalProperties` included where declared.
    this.ajv = new Ajv2020({ allErrors: true, strictSchema: false })
    addFormats(this.ajv)
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: document.components }, DOCUMENT_ID)
    for (const [docPath, item] of Object.entries(document.paths as Record<string, JsonObject>)) {
      const source = docPath
        .replace(/\/$/, '')
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]+')
      const pattern = new RegExp(`^${source}/?$`)
      for (const method of Object.keys(item)) this.operations.push({ method, docPath, pattern, templates: docPath.split('{').length - 1 })
    }
    // A literal path wins over a template that would also match it.
    this.operations.sort((a, b) => a.templates - b.templates)
  }

  /** Every documented operation, `METHOD docPath`. */
  documented(): string[] {
    return this.operations.map((op) => `${op.method} ${op.docPath}`).sort()
  }

  /** Asserts `res` is a documented answer of its operation and its body matches the schema; answers `res`. */
  check<T extends CheckedResponse>(res: T): T {
    // supertest keeps the request it sent (a ClientRequest) on the response, untyped.
    const req = (res as unknown as { req: { method: string; path: string } }).req
    const method = req.method.toLowerCase()
    const path = req.path.split('?')[0]!
    const found = this.operations.find((op) => op.method === method && op.pattern.test(path))
    assert.ok(found, `${method} ${path} is not in the OpenAPI document`)
    const key = `${method} ${found.docPath}`
    const operation = (this.document.paths as Record<string, Record<string, Operation>>)[found.docPath]![method]!
    const response = operation.responses[String(res.status)]
    assert.ok(response, `${key} answered ${res.status}, which the document does not list: ${JSON.stringify(res.body)}`)
    const contentType = String(res.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
    if (!response.content) {
      assert.equal(res.text ?? '', '', `${key} ${res.status} is documented without a body`)
    } else {
      const media = response.content[contentType]
      assert.ok(media, `${key} ${res.status} answered ${contentType || 'no content type'}; documented: ${Object.keys(response.content).join(', ')}`)
      const validate = this.validator(`${key} ${res.status} ${contentType}`, media.schema)
      const body = contentType === 'application/json' ? res.body : res.text
      assert.ok(validate(body), `${key} ${res.status} does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`)
    }
    let statuses = this.hits.get(key)
    if (!statuses) {
      statuses = new Set()
      this.hits.set(key, statuses)
    }
    statuses.add(res.status)
    return res
  }

  private validator(key: string, schema: JsonObject): ValidateFunction {
    let validate = this.validators.get(key)
    if (!validate) {
      // `#/components/...` refs resolve against the document's components.
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`)) as JsonObject
      validate = this.ajv.compile(rebased)
      this.validators.set(key, validate)
    }
    return validate
  }
}
