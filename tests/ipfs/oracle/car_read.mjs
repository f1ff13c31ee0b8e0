// Reads a CAR with @ipld/car and checks it the way another IPFS tool would.
// usage: node car_read.mjs FILE
// prints one JSON line: {"version", "roots": [...], "cids": [...], "mismatched": [...]}
// Every sha2-256 block is re-hashed; dag-pb blocks are also decoded with @ipld/dag-pb.
import { createReadStream } from 'node:fs'
import { CarBlockIterator } from '@ipld/car/iterator'
import * as dagPb from '@ipld/dag-pb'
import { sha256 } from 'multiformats/hashes/sha2'
import { equals } from 'multiformats/bytes'

const iterator = await CarBlockIterator.fromIterable(createReadStream(process.argv[2]))
const roots = (await iterator.getRoots()).map(cid => cid.toString())
const cids = []
const mismatched = []
for await (const { cid, bytes } of iterator) {
  cids.push(cid.toString())
  if (cid.multihash.code === sha256.code) {
    const digest = await sha256.digest(bytes)
    if (!equals(digest.bytes, cid.multihash.bytes)) mismatched.push(cid.toString())
  }
  if (cid.code === dagPb.code) dagPb.decode(bytes)
}
console.log(JSON.stringify({ version: iterator.version, roots, cids, mismatched }))
