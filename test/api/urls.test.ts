import { createFooocusClient } from '../../api/client.ts';
import { endpoint, normaliseBaseUrl, rebaseResultUrl } from '../../api/urls.ts';

describe('result URL re-basing', () => {
  it('swaps the origin the server reported for the configured one and keeps the path', () => {
    const client = createFooocusClient({ baseUrl: 'http://gpu-box.lan:9000' });
    expect(client.imageUrl('http://127.0.0.1:7866/outputs/2024-07-26/2024-07-26_16-13-33_3951.png')).toBe(
      'http://gpu-box.lan:9000/outputs/2024-07-26/2024-07-26_16-13-33_3951.png',
    );
  });

  it('keeps a path prefix of the configured base (reverse proxy) and the query', () => {
    expect(rebaseResultUrl('https://example.org/fooocus', 'http://127.0.0.1:7866/outputs/d/a.png?x=1')).toBe(
      'https://example.org/fooocus/outputs/d/a.png?x=1',
    );
  });

  it('re-bases /inputs/ URLs and relative result paths too', () => {
    const base = normaliseBaseUrl('http://10.0.0.5:7866/');
    expect(rebaseResultUrl(base, 'http://localhost:7866/inputs/abc.png')).toBe(
      'http://10.0.0.5:7866/inputs/abc.png',
    );
    expect(rebaseResultUrl(base, '/outputs/d/a.png')).toBe('http://10.0.0.5:7866/outputs/d/a.png');
  });

  it('leaves URLs that are not server files alone', () => {
    expect(rebaseResultUrl('http://a:1', 'https://cdn.example.com/x.png')).toBe(
      'https://cdn.example.com/x.png',
    );
    expect(rebaseResultUrl('http://a:1', 'data:image/png;base64,AAAA')).toBe('data:image/png;base64,AAAA');
  });

  it('builds route addresses with the trailing slash on generate and query strings', () => {
    const base = normaliseBaseUrl('http://h:1/');
    expect(endpoint(base, '/v1/engine/generate/')).toBe('http://h:1/v1/engine/generate/');
    expect(endpoint(base, '/v1/engine/control', { action: 'stop' })).toBe(
      'http://h:1/v1/engine/control?action=stop',
    );
  });
});
