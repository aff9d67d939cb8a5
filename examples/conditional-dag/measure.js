// measure: scores a (tiny, inline) dataset by the share of records with every field filled in,
// and prints {"score": ..., "records": ...} for the task's stdout outputs.
const records = [
  { id: 1, email: 'ada@example.com', country: 'UK' },
  { id: 2, email: 'grace@example.com', country: 'US' },
  { id: 3, email: '', country: 'FR' },
  { id: 4, email: 'alan@example.com', country: 'UK' },
  { id: 5, email: 'edsger@example.com', country: '' },
  { id: 6, email: 'barbara@example.com', country: 'US' },
  { id: 7, email: 'donald@example.com', country: 'US' },
  { id: 8, email: 'frances@example.com', country: 'US' },
  { id: 9, email: 'tony@example.com', country: 'UK' },
  { id: 10, email: 'margaret@example.com', country: 'US' },
];
const complete = records.filter((record) => Object.values(record).every((value) => value !== '')).length;
console.log(JSON.stringify({ score: complete / records.length, records: records.length }));
