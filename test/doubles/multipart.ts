// In-process test double support, written for tandem from the official API file
// ../shared/specs/kfp/kfp_api_v2beta1.swagger.json (UploadPipeline's `uploadfile` form field); not
// upstream code.
//
// Just enough multipart/form-data (RFC 7578) to read the parts a KFP client uploads: each part's
// field name, file name and bytes.
import { ApiError, GRPC } from './http-double.js';

export interface FormPart {
  name: string;
  filename?: string;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!/^multipart\/form-data/i.test(contentType) || boundary === null) {
    throw new ApiError(GRPC.INVALID_ARGUMENT, `expected a multipart/form-data body, got content-type ${JSON.stringify(contentType)}`);
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2] ?? ''}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new ApiError(GRPC.INVALID_ARGUMENT, 'multipart body has no boundary line');
  for (;;) {
    const start = at + delimiter.length;
    // `--` after the delimiter closes the body.
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new ApiError(GRPC.INVALID_ARGUMENT, 'multipart body is not closed');
    const part = body.subarray(start + 2, next - 2); // drop the CRLF after the delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new ApiError(GRPC.INVALID_ARGUMENT, 'multipart part has no header block');
    const headers = part.subarray(0, split).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new ApiError(GRPC.INVALID_ARGUMENT, 'multipart part has no field name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: part.subarray(split + 4) });
    at = next;
  }
  return parts;
}
