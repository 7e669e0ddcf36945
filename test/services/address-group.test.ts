import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addressGroup } from '../../src/services/address-group.js'

describe('addressGroup', () => {
  it('keeps IPv4 addresses, and maps IPv4-mapped IPv6 to them', () => {
    assert.equal(addressGroup('203.0.113.7'), '203.0.113.7')
    assert.equal(addressGroup('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(addressGroup('::FFFF:203.0.113.7'), '203.0.113.7')
  })

  it('gives every IPv6 address of one /64 the same group, in any notation, and other /64s others', () => {
    const same = [
      '2001:db8:1:2::a',
      '2001:db8:1:2:ffff::b',
      '2001:0db8:0001:0002:0:0:0:c',
      '2001:DB8:1:2:aaaa:bbbb:cccc:dddd',
      '2001:db8:1:2::ffff:1.2.3.4',
      '2001:db8:1:2::1%eth0',
    ]
    for (const ip of same) assert.equal(addressGroup(ip), '2001:db8:1:2::/64', ip)
    assert.equal(addressGroup('2001:db8:1:3::a'), '2001:db8:1:3::/64')
    assert.equal(addressGroup('2001:db8::1:2:3:4:5'), '2001:db8:0:1::/64')
    assert.equal(addressGroup('::1'), '0:0:0:0::/64')
    assert.equal(addressGroup('::'), '0:0:0:0::/64')
    assert.equal(addressGroup('1:2:3:4::'), '1:2:3:4::/64')
  })

  it('leaves anything that is not an IP address as it is', () => {
    for (const value of ['', 'unknown', '2001:db8::g', '1.2.3']) assert.equal(addressGroup(value), value)
  })
})
