// Writes a CAR with @ipld/car: a file imported by ipfs-unixfs-importer (kubo-equivalent options).
// usage: node car_write.mjs --cid-version 0|1 SOURCE OUT
// prints one JSON line: {"root": "<cid>", "blocks": <count>}
import { createReadStream, createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CarWriter } from '@ipld/car/writer'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'

const [, , flag, version, source, out] = process.argv
if (flag !== '--cid-version') throw new Error('usage: car_write.mjs --cid-version 0|1 SOURCE OUT')
const cidVersion = Number(version)
// Keeps each block with the CID the importer gave it (codec included), in write order.
const blocks = new Map()
const blockstore = {
  async put (cid, bytes) { blocks.set(cid.toString(), { cid, bytes }); return cid },
  async has (cid) { return blocks.has(cid.toString()) }
}
let root
for await (const entry of importer([{ content: createReadStream(source) }], blockstore, {
  cidVersion,
  rawLeaves: cidVersion === 1,
  chunker: fixedSize({ chunkSize: 262144 }),
  layout: balanced({ maxChildrenPerNode: 174 })
})) root = entry.cid

const { writer, out: carBytes } = CarWriter.create([root])
const written = pipeline(Readable.from(carBytes), createWriteStream(out))
for (const block of blocks.values()) await writer.put(block)
await writer.close()
await written
console.log(JSON.stringify({ root: root.toString(), blocks: blocks.size }))
