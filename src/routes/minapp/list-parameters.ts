/**
 * The query parameters of the MinApp list routes. No Joi schema describes them: `src/query` parses
 * the MinApp query syntax, and these words are its documentation.
 */
export const LIST_QUERY_PARAMETERS: { name: string; [key: string]: unknown }[] = [
  {
    name: 'where',
    in: 'query',
    description:
      'A JSON query as built by the SDK\'s `BaaS.Query`: `{"$and": [{"nickname": {"$contains": "Tom"}}]}`; operators `$eq $ne $lt $lte $gt $gte $in $nin $contains $icontains $regex $all $isnull $exists $has_key`, `$and`/`$or`.',
    schema: { type: 'string' },
  },
  { name: 'order_by', in: 'query', description: 'Comma-separated fields, `-` for descending: `-created_at,nickname`.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: 'Page size; larger values are clamped to 1000.', schema: { type: 'integer', minimum: 1, default: 20 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
  { name: 'return_total_count', in: 'query', description: '1 adds `meta.total_count`.', schema: { type: 'integer', enum: [0, 1] } },
  { name: 'keys', in: 'query', description: 'Fields to return (`a,b`) or to leave out (`-a,-b`).', schema: { type: 'string' } },
  {
    name: 'filters',
    in: 'query',
    style: 'form',
    explode: true,
    description: 'Field filters as plain parameters: `gender=1`, `nickname__contains=Tom`, `created_at__gt=1483228800`, `id__in=1,2,3`.',
    schema: { type: 'object', additionalProperties: { type: 'string' } },
  },
]

/** Only `keys`: the parameter of the one-user routes. */
export const KEYS_PARAMETER = LIST_QUERY_PARAMETERS.filter((p) => p.name === 'keys')
