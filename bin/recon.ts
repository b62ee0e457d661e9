console.log('recon: to come');
