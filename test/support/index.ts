export * from './wait-for';
export * from './unique';
